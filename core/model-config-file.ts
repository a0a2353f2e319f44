/**
 * Reading the run's model.json in the services. The lab writes it from settings already validated
 * with ModelConfigSchema (model-config.ts), so the services read it without loading zod: six of
 * the ten service processes then never load it, which keeps `up` fast on two cores.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamodbSettings, ModelConfig } from './model-config.ts';

export function modelConfigPath(runDir: string): string {
  return join(runDir, 'model.json');
}

export function readModelConfig(runDir: string): ModelConfig {
  const config = JSON.parse(readFileSync(modelConfigPath(runDir), 'utf8')) as Partial<ModelConfig>;
  for (const key of ['seed', 'safeguards', 'dynamodb', 'dwfm', 'netmgr', 'nlb'] as const) {
    if (config[key] === undefined) throw new Error(`${modelConfigPath(runDir)} has no "${key}": it is written by the lab (outage-lab up / run), not by hand`);
  }
  return config as ModelConfig;
}

/** Capacity C of the DynamoDB stand-in in ops/s. */
export function dynamodbCapacityPerSec(d: Pick<DynamodbSettings, 'workers' | 'serviceTimeMs'>): number {
  return d.serviceTimeMs === 0 ? Infinity : (d.workers * 1000) / d.serviceTimeMs;
}
