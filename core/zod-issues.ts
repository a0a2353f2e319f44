/**
 * A zod error as one line a user can act on: the file, the path of the first problem, and the
 * fix (an unknown field named as such; a union that no branch matched described by the branch
 * that got furthest). Scenario files and service files are read through it.
 */
import type { z } from 'zod';

/**
 * A union that no branch matched says only "Invalid input"; the branch that got furthest (fewest
 * problems, none of them an unknown field) says what is wrong, with the path from the union down.
 */
function deepest(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return issue;
  const score = (branch: readonly z.core.$ZodIssue[]) => branch.length + branch.filter((i) => i.code === 'unrecognized_keys' || i.code === 'invalid_type').length * 10;
  const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0]!;
  if (!best.length) return issue;
  const inner = deepest(best[0]!);
  return { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue;
}

/** The value at a path of a parsed document (undefined where there is none). */
function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let cur = doc;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/**
 * `<file>: <path>: <what is wrong>` (and how many more problems there are). Given the document,
 * a field that is not there at all is called missing.
 */
export function describeIssues(file: string, error: z.ZodError, doc?: unknown): string {
  const first = deepest(error.issues[0]!);
  const path = first.path.join('.') || '(top level)';
  let fix = first.message;
  if (first.code === 'unrecognized_keys') fix = `unknown field ${first.keys.map((k) => `"${k}"`).join(', ')}: remove it or check its spelling`;
  else if (first.code === 'invalid_type' && doc !== undefined && first.path.length && valueAt(doc, first.path) === undefined) fix = `missing: add it (${first.message.replace(/^Invalid input: expected (\w+), received undefined$/, 'a $1')})`;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return `${file}: ${path}: ${fix}${more}`;
}
