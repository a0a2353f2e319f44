/**
 * How a Job's shards reach its pods: one environment variable, OUTAGE_LAB_SHARDS, holding every
 * shard, gzipped and base64-encoded — a map's shards repeat their scenario and service file per
 * run (24 runs of a service map are ~125 KB of JSON, against Linux's 128 KiB limit on one
 * variable; ~4 KB encoded). A value the kernel would refuse is an error before the Job is made.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { UserError } from '../../core/errors.ts';

export const ENV_SHARDS = 'OUTAGE_LAB_SHARDS';
const PREFIX = 'gzip+base64:';
/** Linux's limit on one argument or environment string (MAX_ARG_STRLEN), with room for the name. */
const MAX = 128 * 1024 - 64;

export function encodeShards(shards: unknown): string {
  const value = PREFIX + gzipSync(Buffer.from(JSON.stringify(shards), 'utf8')).toString('base64');
  if (value.length > MAX) throw new UserError(`the Job's shards take ${value.length} bytes encoded, over the ${MAX} one environment variable can hold: run fewer cells or seeds at once (a sweep resumes into the same --out)`);
  return value;
}

/** The shards from the variable's value (plain JSON is read too). */
export function decodeShards(value: string): unknown {
  return JSON.parse(value.startsWith(PREFIX) ? gunzipSync(Buffer.from(value.slice(PREFIX.length), 'base64')).toString('utf8') : value);
}
