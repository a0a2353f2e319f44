/**
 * What the console's server sends its pages and what a page is configured with: plain types with
 * no imports, shared by the server (view.ts, page.ts) and the browser script (client/main.ts).
 */
export type FeedKind = 'human' | 'system' | 'fault' | 'alert' | 'game' | 'note';

export type ConsoleMessage =
  | { readonly k: 'pt'; readonly ts: number; readonly c: string; readonly s: string; readonly y: number }
  | { readonly k: 'feed'; readonly ts: number; readonly kind: FeedKind; readonly text: string; readonly by?: string }
  | { readonly k: 'mark'; readonly ts: number; readonly kind: 'human' | 'scripted' | 'milestone'; readonly label: string }
  | { readonly k: 'window'; readonly ts: number; readonly id: string; readonly label: string; readonly open: boolean }
  | { readonly k: 'map'; readonly ts: number; readonly svg: string }
  | { readonly k: 'state'; readonly ts: number; readonly phase: string; readonly reason?: string }
  | { readonly k: 'debrief'; readonly ts: number; readonly html: string }
  /** The responders' pager: an alert from the lab's Alertmanager started or stopped firing. */
  | { readonly k: 'page'; readonly ts: number; readonly alertname: string; readonly firing: boolean; readonly summary: string }
  | { readonly k: 'reset'; readonly ts: number; readonly name: string };

export interface ChartDef {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly series: readonly string[];
}

/** One act as the page draws its button and form (its settings as JSON Schema). */
export interface ActDef {
  readonly act: string;
  readonly label: string;
  readonly description: string;
  readonly role: 'facilitator' | 'responder' | 'scribe';
  readonly confirm: string | null;
  readonly phases: readonly string[];
  readonly schema: JsonSchema;
}

/** The part of JSON Schema the act forms read (zod's toJSONSchema output). */
export interface JsonSchema {
  readonly type?: string;
  readonly enum?: readonly (string | number)[];
  readonly anyOf?: readonly JsonSchema[];
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
}

/** The page's configuration (console-config). */
export interface ConsoleConfig {
  readonly secret: string;
  readonly blind: boolean;
  readonly watchOnly: string | null;
  readonly charts: readonly ChartDef[];
  readonly acts: readonly ActDef[];
  readonly causes: readonly { readonly id: string; readonly label: string }[];
}
