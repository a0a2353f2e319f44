/**
 * The file reporters, registered by name (`--report md,html,json,junit`); the live progress
 * display is a reporter too (progress.ts), added by the commands that show it.
 */
import { InputError } from '../../core/errors.ts';
import { htmlReporter } from './html.ts';
import { jsonReporter } from './json.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';
import type { Reporter } from './reporter.ts';

export const FILE_REPORTERS: readonly Reporter[] = [markdownReporter, htmlReporter, jsonReporter, junitReporter];
export const REPORTER_NAMES = FILE_REPORTERS.map((r) => r.name);

/** What `run` writes by default: report.md and summary.json. */
export const DEFAULT_RUN_REPORTERS = (): Reporter[] => [markdownReporter, jsonReporter];

/** Parses `--report md,html`; an unknown name is an input error naming the known ones. */
export function reportersByName(list: string, flag = '--report'): Reporter[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new InputError(`${flag} is empty: give one or more of ${REPORTER_NAMES.join(', ')}`);
  return names.map((n) => {
    const r = FILE_REPORTERS.find((x) => x.name === n);
    if (!r) throw new InputError(`${flag}: "${n}" is not a reporter; reporters are ${REPORTER_NAMES.join(', ')}`);
    return r;
  });
}
