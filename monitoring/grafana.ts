/**
 * A Grafana dashboard (JSON model) generated from the panels (panels.ts), for users who have
 * Grafana: import monitoring/grafana/outage-lab.json and pick their Prometheus as its data
 * source. Grafana cannot run here (no registry for its image, no Debian package); its queries are
 * checked against the real Prometheus instead (monitoring/monitoring.test.ts).
 */
import { PANELS } from './panels.ts';

export function renderDashboard(): string {
  const ds = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
  const dashboard = {
    __inputs: [{ name: 'DS_PROMETHEUS', label: 'Prometheus', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }],
    title: 'outage-lab: us-east-1 game day',
    uid: 'outage-lab',
    tags: ['outage-lab', 'chaos'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '1s',
    time: { from: 'now-5m', to: 'now' },
    annotations: {
      list: [{ name: 'alerts', datasource: ds, enable: true, expr: 'ALERTS{alertstate="firing"}', iconColor: 'red', titleFormat: '{{alertname}}', step: '1s' }],
    },
    panels: PANELS.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: ds,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom' } },
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: ds, expr: t.expr, legendFormat: t.legend, interval: '1s' })),
    })),
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
