/**
 * The lab's own request header (DynamoDB ignores headers it does not know): the instant, in epoch
 * milliseconds, after which the client no longer waits for the answer. Clients that stop waiting
 * without hanging up send it, so the DynamoDB stand-in can count — or, with dropExpired, drop —
 * the work nobody waits for.
 */
export const DEADLINE_HEADER = 'x-client-deadline';
