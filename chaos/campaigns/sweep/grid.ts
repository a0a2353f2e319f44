/**
 * A sweep's grid: `--grid key=v1,v2,…` per axis (any key `--set` takes: a setting such as
 * planIntervalMs, or a scenario path such as faults.0.latencyMs); cells are the cartesian product.
 * Values parse as `--set` values do (numbers, booleans, null, JSON); commas inside [] or {} do not
 * split. Keys that move together form one axis: `--grid a+b=1+10,2+20` sets a=1,b=10 then a=2,b=20.
 * With `--service`, keys starting `service.` set the service file instead (`service.load`,
 * `service.env.X`, `service.tables.0.capacity.workers`).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../../core/errors.ts';
import { parseSetValue } from '../../experiment/scenario.ts';

export type GridValue = string | number | boolean | null | object;
export type Grid = Record<string, GridValue[]>;
export type Cell = Record<string, GridValue>;

function splitTop(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of raw) {
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function parseGrid(specs: readonly string[]): Grid {
  if (!specs.length) throw new InputError('--grid is required: give at least one axis, e.g. --grid faults.0.latencyMs=400,800,1600');
  const grid: Grid = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new InputError(`--grid ${spec}: expected key=v1,v2,…, e.g. --grid planIntervalMs=100,200,400`);
    const key = spec.slice(0, eq).trim();
    if (key in grid) throw new InputError(`--grid ${key} is given twice: list all its values in one --grid`);
    const values = splitTop(spec.slice(eq + 1));
    if (values.some((v) => v === '')) throw new InputError(`--grid ${spec}: an empty value; separate values with single commas`);
    const linked = key.split('+');
    if (linked.length > 1) {
      for (const v of values) {
        if (v.split('+').length !== linked.length) throw new InputError(`--grid ${spec}: "${v}" should give ${linked.length} values joined by +, one for each of ${linked.join(', ')}`);
      }
    }
    grid[key] = values.map((v) => parseSetValue(v) as GridValue);
  }
  return grid;
}

/** The assignments one axis value stands for (one key, or several linked with +). */
function assignments(key: string, v: GridValue): [string, GridValue][] {
  const keys = key.split('+');
  if (keys.length === 1) return [[key, v]];
  const parts = String(v).split('+');
  return keys.map((k, i) => [k, parseSetValue(parts[i]!) as GridValue]);
}

/** Every cell of the grid, the first axis varying slowest. */
export function cells(grid: Grid): Cell[] {
  let out: Cell[] = [{}];
  for (const [key, values] of Object.entries(grid)) out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return out;
}

/** The longest cell id kept whole: a run's folder name must stay under the file system's 255 bytes (every id of the sweeps run before this limit was shorter). */
export const MAX_CELL_ID = 240;

/**
 * A file-name-safe id of a cell: key=value pairs; one longer than MAX_CELL_ID (a whole command
 * line as a value) is cut and ends with a hash of the whole, so two cells never share a folder.
 */
export function cellId(cell: Cell): string {
  const full = Object.entries(cell)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(',');
  const id = full.replace(/[^A-Za-z0-9.=,_-]+/g, '_');
  if (id.length <= MAX_CELL_ID) return id;
  return `${id.slice(0, MAX_CELL_ID - 13)}_${createHash('sha256').update(full).digest('hex').slice(0, 12)}`;
}

const isServiceKey = (k: string) => k.startsWith('service.');
const asSet = ([k, v]: [string, GridValue]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`;

/** Every assignment of a cell, as key=value (scenario and service ones: the cell's label). */
export function cellLabel(cell: Cell): string {
  return Object.entries(cell)
    .flatMap(([k, v]) => assignments(k, v))
    .map(asSet)
    .join(', ');
}

/** The scenario's --set assignments for a cell (not the `service.*` ones). */
export function cellSets(cell: Cell): string[] {
  return Object.entries(cell)
    .flatMap(([k, v]) => assignments(k, v))
    .filter(([k]) => !isServiceKey(k))
    .map(asSet);
}

/** A cell's `service.*` assignments, for the service file (user-services' withServiceSets). */
export function cellServiceSets(cell: Cell): [string, GridValue][] {
  return Object.entries(cell)
    .flatMap(([k, v]) => assignments(k, v))
    .filter(([k]) => isServiceKey(k));
}
