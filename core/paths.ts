import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The checkout's root folder. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where built binaries are cached (git-ignored). OUTAGE_LAB_TOOLS overrides. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.OUTAGE_LAB_TOOLS || join(PROJECT_ROOT, '.tools');
}

/** Where `up` keeps the lab's state and run folders (git-ignored). OUTAGE_LAB_HOME overrides. */
export function labHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.OUTAGE_LAB_HOME || join(PROJECT_ROOT, '.lab');
}
