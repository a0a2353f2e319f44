/**
 * Input files people write (scenarios, service files) are YAML mappings: read one, or say in one
 * line (an InputError, exit 2) that it is not valid YAML or not a mapping.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from './errors.ts';

/** The file's mapping; `label` names it in errors, `fields` says what a mapping of its kind holds. */
export function readYamlMapping(file: string, label: string, fields: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof YAMLParseError) throw new InputError(`${label}: not valid YAML: ${err.message.split('\n')[0]}`);
    throw err;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`${label}: expected a mapping with ${fields}`);
  return doc as Record<string, unknown>;
}
