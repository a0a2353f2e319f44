/**
 * Where a running game can be found from another shell (`outage-lab act`): game.json in the lab
 * home, readable only by its owner (it holds the game's secret), removed when the console closes.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.ts';

const GameFileSchema = z.object({ origin: z.string(), secret: z.string(), pid: z.number().int(), outDir: z.string(), startedAt: z.string() }).strict();
export type GameFile = z.infer<typeof GameFileSchema>;

const file = (home: string) => join(home, 'game.json');

export function writeGameFile(home: string, g: GameFile): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(file(home), `${JSON.stringify(g, null, 2)}\n`, { mode: 0o600 });
}

export function removeGameFile(home: string, pid = process.pid): void {
  const g = readGameFileIfAny(home);
  if (g && g.pid === pid) rmSync(file(home), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readGameFileIfAny(home: string): GameFile | undefined {
  if (!existsSync(file(home))) return undefined;
  const r = GameFileSchema.safeParse(JSON.parse(readFileSync(file(home), 'utf8') || 'null'));
  return r.success ? r.data : undefined;
}

/** The game being played in this lab home; a UserError when there is none. */
export function readGameFile(home: string): GameFile {
  const g = readGameFileIfAny(home);
  if (!g || !alive(g.pid)) {
    throw new UserError(`no game is being played in ${home}: start one with \`outage-lab play\` (OUTAGE_LAB_HOME picks the lab home)`);
  }
  return g;
}
