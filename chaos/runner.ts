/** The experiment runner: see chaos/run/pipeline.ts for its phases. */
export { runScenario, runScenarioWithHistory, type RunOptions } from './run/pipeline.ts';
export { validateScenario } from './run/phases/validate.ts';
export type { RunStatus, RunSummary, StepRecord } from './run/journal.ts';
