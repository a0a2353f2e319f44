/** Writes monitoring/grafana/outage-lab.json from monitoring/panels.ts (monitoring/monitoring.test.ts fails when it is stale). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../core/paths.ts';
import { renderDashboard } from '../monitoring/grafana.ts';

const file = join(PROJECT_ROOT, 'monitoring', 'grafana', 'outage-lab.json');
writeFileSync(file, renderDashboard());
process.stdout.write(`${file}\n`);
