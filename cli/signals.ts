import { UserError } from '../core/errors.ts';

/**
 * Turns the first SIGINT/SIGTERM into an abort of the given work (so its `finally` heals faults
 * and stops processes); a second one exits at once.
 */
export function abortOnSignals(log: (line: string) => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`${sig} again: exiting now; run \`outage-lab down\` to stop anything left`);
      process.exit(130);
    }
    log(`${sig}: stopping what was started… (again to force)`);
    controller.abort(new UserError(`interrupted by ${sig}; everything started was stopped`, 130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
