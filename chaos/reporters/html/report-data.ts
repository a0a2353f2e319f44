/** What report.html embeds for its script (report-data): the producer (page.ts) and the browser script (client/main.ts) share this shape. */
export interface ChartMark {
  readonly t: number;
  readonly label: string;
  /** operator: a scripted runbook action; human: anything a person did in a played game. */
  readonly kind: 'operator' | 'human' | 'milestone';
}

export interface ChartDef {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly series: { readonly arm: number; readonly label: string; readonly points: readonly (readonly [number, number])[]; readonly dash?: number[]; readonly width?: number }[];
}

export interface ReportData {
  readonly colors: readonly string[];
  readonly arms: readonly { readonly name: string; readonly faults: readonly { readonly from: number; readonly to: number; readonly label: string }[]; readonly marks: readonly ChartMark[] }[];
  readonly charts: readonly ChartDef[];
}
