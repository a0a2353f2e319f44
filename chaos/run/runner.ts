/** The experiment runner: see chaos/run/pipeline.ts for its phases. */
export { runScenario, runScenarioWithHistory, type RunOptions } from './pipeline.ts';
export { validateScenario } from './phases/validate.ts';
export type { RunStatus, RunSummary, StepRecord } from './journal.ts';
