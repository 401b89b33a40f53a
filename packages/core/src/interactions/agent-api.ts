/**
 * Which Gemini API an agent's model calls use: `'generateContent'` (the default, and the format
 * gateways serve), or `'interactions'`, Google's Interactions API (`/v1beta/interactions`), with
 * the server keeping each step's state so a step sends only what is new
 * (`previous_interaction_id`); `{ name: 'interactions', store: false }` keeps nothing on the
 * server and sends the whole history each step. Everything else about the agent is the same.
 */
export type AgentApi =
  | 'generateContent'
  | 'interactions'
  | { name: 'interactions'; store?: boolean | undefined };

/** Whether `value` is an {@link AgentApi}. @internal */
export function isAgentApi(value: unknown): value is AgentApi {
  if (value === 'generateContent' || value === 'interactions') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { name, store, ...rest } = value as { name?: unknown; store?: unknown };
  return (
    name === 'interactions' &&
    (store === undefined || typeof store === 'boolean') &&
    Object.keys(rest).length === 0
  );
}
