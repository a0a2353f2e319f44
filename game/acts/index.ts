/**
 * Every act of a played game, registered by name: the facilitator's controls, the responders'
 * milestones, the scribe's notes (one file each here) and the runbook's actions (from the
 * operator registry). A request to act — from the console or `outage-lab act` — is validated
 * against the act's own schema; an error names the field.
 */
import { z } from 'zod';
import type { GameAct } from './act.ts';
import { declareAct } from './declare.ts';
import { emergencyStopAct } from './emergency-stop.ts';
import { endAct } from './end.ts';
import { nameCauseAct } from './name-cause.ts';
import { noteAct } from './note.ts';
import { rearmTriggerAct } from './rearm-trigger.ts';
import { RUNBOOK_ACTS } from './runbook.ts';
import { startAct } from './start.ts';

export type { GameAct, GameActContext, GamePhase, Role } from './act.ts';
export { GAME_PHASES } from './act.ts';

export const GAME_ACTS: readonly GameAct[] = [startAct, endAct, emergencyStopAct, rearmTriggerAct, declareAct, nameCauseAct, noteAct, ...RUNBOOK_ACTS] as unknown as GameAct[];
export const ACT_NAMES = GAME_ACTS.map((a) => a.act);

/** Who acts: a name people recognise in the debrief. */
export const ActorName = z.string().trim().min(1, 'say who acts').max(60).regex(/^[\p{L}\p{N} ._@-]+$/u, 'letters, digits, spaces and . _ @ - only');

export interface ActRequest {
  readonly act: GameAct;
  readonly by: string;
  readonly settings: Record<string, unknown>;
}

/** Validates a request to act: `{act, by, ...settings}`. Throws ActRequestError naming the field. */
export function parseActRequest(body: unknown): ActRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ActRequestError('the body must be a JSON object: {"act": "<name>", "by": "<who>", …settings}');
  const { act: name, by, ...settings } = body as Record<string, unknown>;
  if (typeof name !== 'string') throw new ActRequestError(`act: missing or not a string; acts are ${ACT_NAMES.join(', ')}`);
  const act = GAME_ACTS.find((a) => a.act === name);
  if (!act) throw new ActRequestError(`act: unknown act "${name}"; acts are ${ACT_NAMES.join(', ')}`);
  const who = ActorName.safeParse(by ?? '');
  if (!who.success) throw new ActRequestError(`by: ${who.error.issues[0]!.message}`);
  const s = act.settings.safeParse(settings);
  if (!s.success) {
    const issues = s.error.issues.map((i) => {
      const path = i.path.join('.');
      if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} for ${act.act}; its fields are ${Object.keys(act.settings.shape).join(', ') || 'none'}`;
      // A rule over several fields (no path) names them in its message.
      return path ? `${path}: ${i.message}` : i.message;
    });
    throw new ActRequestError(issues.join('; '));
  }
  return { act, by: who.data, settings: s.data as Record<string, unknown> };
}

export class ActRequestError extends Error {}

/** An act's settings as JSON Schema, for the console's forms and `act --list`. */
export function actFields(act: GameAct): Record<string, unknown> {
  return z.toJSONSchema(act.settings, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
