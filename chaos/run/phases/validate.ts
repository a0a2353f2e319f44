/** Phase 1: everything is checked before anything starts; an error names the field and the fix. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import { ModelConfigSchema, type ModelConfig } from '../../../core/model-config.ts';
import type { Topology } from '../../../topology/topology.ts';
import { validateFaults } from '../../experiment/faults/index.ts';
import type { Scenario } from '../../experiment/scenario.ts';

/** Checks the scenario against the topology; throws an InputError naming the field. */
export function validateScenario(scenario: Scenario, topology: Topology): void {
  const problems = validateFaults(scenario.faults, topology);
  const earliest = scenario.steadyState.warmupMs + scenario.steadyState.verifyForMs;
  for (const [i, f] of scenario.faults.entries()) {
    if (f.atMs < earliest) problems.push(`faults.${i}.atMs: ${f.atMs} is before the steady state is verified (warmupMs + verifyForMs = ${earliest}); start it at ${earliest} or later`);
    if (f.atMs >= scenario.stop.maxDurationMs) problems.push(`faults.${i}.atMs: ${f.atMs} is after the run ends (stop.maxDurationMs = ${scenario.stop.maxDurationMs})`);
  }
  if (problems.length) throw new InputError(problems[0]! + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''));
}

/** Validates the scenario and the run folder, and returns the model settings the lab will use. */
export function validate(scenario: Scenario, topology: Topology, seed: number, outDir: string): ModelConfig {
  validateScenario(scenario, topology);
  const model = ModelConfigSchema.parse({ ...scenario.settings, seed });
  for (const f of ['timeline.ndjson', 'summary.json']) {
    if (existsSync(join(outDir, f))) {
      throw new InputError(`--out ${outDir} already holds a run (${f}): choose another folder or delete that one; runs are never overwritten or mixed`);
    }
  }
  mkdirSync(outDir, { recursive: true });
  return model;
}
