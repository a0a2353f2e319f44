/**
 * How a shard's results travel from its pod to the harness: through the API, as lines of the
 * pod's log (so it works on any cluster, with no shared disk). Each file the shard produced is
 * gzipped, base64-encoded and cut into lines of at most 8,000 characters (container runtimes
 * split longer lines), each tagged so the harness finds them among the lab's own output:
 *
 *   OUTAGE-LAB-RESULT <file> <part>/<parts> <base64>
 */
import { gunzipSync, gzipSync } from 'node:zlib';

const TAG = 'OUTAGE-LAB-RESULT';
const LINE = 8000;

export function encodeResult(files: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    if (/\s/.test(name)) throw new Error(`result file names have no spaces: ${name}`);
    const b64 = gzipSync(Buffer.from(content, 'utf8')).toString('base64');
    const parts = Math.max(1, Math.ceil(b64.length / LINE));
    for (let i = 0; i < parts; i++) out.push(`${TAG} ${name} ${i + 1}/${parts} ${b64.slice(i * LINE, (i + 1) * LINE)}`);
  }
  return out;
}

/** The files in a pod's log; a file with a part missing is an error naming it. */
export function decodeResult(log: string): Record<string, string> {
  const parts = new Map<string, { of: number; chunks: Map<number, string> }>();
  for (const line of log.split('\n')) {
    const m = /^OUTAGE-LAB-RESULT (\S+) (\d+)\/(\d+) (\S*)$/.exec(line.trim());
    if (!m) continue;
    const [, name, i, n, data] = m;
    const p = parts.get(name!) ?? { of: Number(n), chunks: new Map<number, string>() };
    p.chunks.set(Number(i), data!);
    parts.set(name!, p);
  }
  const files: Record<string, string> = {};
  for (const [name, p] of parts) {
    if (p.chunks.size !== p.of) throw new Error(`result ${name}: ${p.chunks.size} of ${p.of} parts in the pod's log`);
    const b64 = [...Array(p.of).keys()].map((i) => p.chunks.get(i + 1)!).join('');
    files[name] = gunzipSync(Buffer.from(b64, 'base64')).toString('utf8');
  }
  return files;
}
