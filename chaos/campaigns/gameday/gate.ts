/**
 * The regression gate for nightly jobs: this game day's figures against a stored comparison.json.
 * A figure regresses when it is worse than the baseline's by more than its tolerance (relative
 * and absolute, both stated below); an arm that recovered (by itself) in the baseline and does not
 * now (or only after the scripted throttle), or that was stable and is now metastable, regresses too. The gate names every regressed figure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../../../core/errors.ts';
import { ComparisonSchema, type ArmFigures, type Comparison } from './comparison.ts';

type Figure = 'ttrMs' | 'ratioToBound' | 'amplification' | 'customerErrorSeconds' | 'callsPerRequest';

/** Worse than baseline × (1 + relative) + absolute is a regression (run-to-run noise stays inside). */
export const TOLERANCES: Readonly<Record<Figure, { readonly relative: number; readonly absolute: number; readonly unit: string }>> = {
  ttrMs: { relative: 0.25, absolute: 3000, unit: 'ms' },
  ratioToBound: { relative: 0.25, absolute: 0.3, unit: '× bound' },
  amplification: { relative: 0.25, absolute: 0.5, unit: '' },
  customerErrorSeconds: { relative: 0.25, absolute: 3, unit: 'error-s' },
  /** A user's service: DynamoDB calls per request while it recovered. */
  callsPerRequest: { relative: 0.25, absolute: 0.3, unit: 'calls/request' },
};

/** The arm's figures the gate holds to their tolerance (a service's are held apart). */
const ARM_FIGURES = ['ttrMs', 'ratioToBound', 'amplification', 'customerErrorSeconds'] as const satisfies readonly Figure[];

export interface GateFinding {
  readonly arm: string;
  readonly figure: Figure | 'metastable' | 'recovered';
  readonly baseline: number | boolean | null;
  readonly current: number | boolean | null;
  /** The worst value the gate accepts (for numeric figures). */
  readonly limit: number | null;
  readonly regressed: boolean;
  readonly detail: string;
}

export interface GateResult {
  readonly baselineFile: string;
  readonly pass: boolean;
  readonly findings: readonly GateFinding[];
  readonly notes: readonly string[];
}

export function readBaseline(file: string): Comparison {
  if (!existsSync(file)) throw new InputError(`--baseline ${file} does not exist: point it at a comparison.json from an earlier game day (reports/latest/comparison.json)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`--baseline ${file} is not JSON (${(err as Error).message}): point it at a comparison.json`);
  }
  const r = ComparisonSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new InputError(`--baseline ${file}: ${i.path.join('.') || '(top level)'}: ${i.message} — is it a comparison.json written by \`outage-lab gameday\`?`);
  }
  return r.data;
}

function numeric(arm: string, figure: Figure, base: number | null, cur: number | null): GateFinding | null {
  if (base === null) return null; // nothing to hold it to
  const t = TOLERANCES[figure];
  const raw = base * (1 + t.relative) + t.absolute;
  const limit = t.unit === 'ms' ? Math.round(raw) : Math.round(raw * 100) / 100;
  if (cur === null) return { arm, figure, baseline: base, current: null, limit, regressed: true, detail: `${arm}: ${figure} has no value now (baseline ${base} ${t.unit}): it did not get there within the run` };
  const regressed = cur > limit;
  return {
    arm,
    figure,
    baseline: base,
    current: cur,
    limit,
    regressed,
    detail: `${arm}: ${figure} ${cur} ${t.unit} ${regressed ? '>' : '≤'} ${limit} (baseline ${base} + ${t.relative * 100} % + ${t.absolute})`,
  };
}

export function gate(current: Comparison, baseline: Comparison, baselineFile: string): GateResult {
  if (current.quick !== baseline.quick || current.capacityBoundMs !== baseline.capacityBoundMs) {
    throw new InputError(
      `--baseline ${baselineFile} is a ${baseline.quick ? 'quick' : 'full'} game day with capacity bound ${baseline.capacityBoundMs} ms; this one is ${current.quick ? 'quick' : 'full'} with ${current.capacityBoundMs} ms: compare like with like (run the baseline with the same --quick and settings)`,
    );
  }
  const findings: GateFinding[] = [];
  const notes: string[] = [];
  for (const b of baseline.arms) {
    const c: ArmFigures | undefined = current.arms.find((a) => a.name === b.name);
    if (!c) {
      notes.push(`arm ${b.name} is in the baseline but not in this game day: not compared`);
      continue;
    }
    if (!b.metastable && c.metastable) findings.push({ arm: b.name, figure: 'metastable', baseline: false, current: true, limit: null, regressed: true, detail: `${b.name}: metastable now, stable in the baseline` });
    if (b.recoveredBy !== null && c.recoveredBy === null) findings.push({ arm: b.name, figure: 'recovered', baseline: true, current: false, limit: null, regressed: true, detail: `${b.name}: did not recover within the run; the baseline did (${b.recoveredBy})` });
    else if (b.recoveredBy === 'self' && c.recoveredBy === 'throttle') findings.push({ arm: b.name, figure: 'recovered', baseline: true, current: false, limit: null, regressed: true, detail: `${b.name}: needed the scripted throttle to recover; the baseline recovered by itself` });
    for (const f of ARM_FIGURES) {
      const finding = numeric(b.name, f, b[f], c[f]);
      if (finding) findings.push(finding);
    }
    findings.push(...serviceFindings(b, c, notes));
  }
  for (const c of current.arms) if (!baseline.arms.some((b) => b.name === c.name)) notes.push(`arm ${c.name} has no baseline: not compared`);
  return { baselineFile, pass: !findings.some((f) => f.regressed), findings, notes };
}

/** A user's service in an arm against the baseline's: it stayed down, stopped recovering, or got slower or more retry-happy. */
function serviceFindings(b: ArmFigures, c: ArmFigures, notes: string[]): GateFinding[] {
  const out: GateFinding[] = [];
  for (const bs of b.services ?? []) {
    const cs = c.services?.find((x) => x.name === bs.name);
    const who = `${b.name}/${bs.name}`;
    if (!cs) {
      notes.push(`service ${bs.name} of arm ${b.name} is in the baseline but not in this game day: not compared`);
      continue;
    }
    if (!bs.metastable && cs.metastable) out.push({ arm: who, figure: 'metastable', baseline: false, current: true, limit: null, regressed: true, detail: `${who}: stayed down after DNS came back; the baseline recovered (${bs.verdict})` });
    else if (bs.ttrMs !== null && cs.ttrMs === null) out.push({ arm: who, figure: 'recovered', baseline: true, current: false, limit: null, regressed: true, detail: `${who}: did not recover within the run (${cs.verdict}); the baseline did` });
    for (const f of ['ttrMs', 'callsPerRequest'] as const) {
      const finding = numeric(who, f, bs[f], cs[f]);
      if (finding && !(cs.metastable && f === 'ttrMs')) out.push(finding);
    }
  }
  for (const cs of c.services ?? []) if (!b.services?.some((x) => x.name === cs.name)) notes.push(`service ${cs.name} of arm ${c.name} has no baseline: not compared`);
  return out;
}
