/**
 * How an agent on the Interactions API waits for a background interaction (`background: true`):
 * it creates the interaction, which the API answers at once (`queued` or `in_progress`), then
 * polls `get` until it is done, the pause between two polls growing by half from
 * `pollIntervalMs` up to `maxPollIntervalMs`. Past `maxWaitMs` of pauses the interaction is
 * cancelled and the call throws `TimeoutError` (operation `interactions.background`).
 */
export type InteractionsBackground = {
  /** The first pause, in milliseconds (1 to 3,600,000). @defaultValue 1000 */
  pollIntervalMs?: number | undefined;
  /** The longest pause, in milliseconds (1 to 3,600,000). @defaultValue 10000 */
  maxPollIntervalMs?: number | undefined;
  /**
   * The most one model call waits, as the sum of its pauses, in milliseconds (1 to 7 days).
   * @defaultValue 7200000 (2 hours; Google documents research tasks of up to an hour)
   */
  maxWaitMs?: number | undefined;
};

/**
 * Which Gemini API an agent's model calls use: `'generateContent'` (the default, and the format
 * gateways serve), or `'interactions'`, Google's Interactions API (`/v1beta/interactions`), with
 * the server keeping each step's state so a step sends only what is new
 * (`previous_interaction_id`); `{ name: 'interactions', store: false }` keeps nothing on the
 * server and sends the whole history each step. `background: true` (or its polling settings,
 * {@link InteractionsBackground}) runs each model call as a background interaction polled until
 * done: the way to run long decodes and, in `@gemloop/dbos`, the form a durable run survives a
 * worker crash in (the interaction's id is recorded, the polls resume). Everything else about the
 * agent is the same.
 */
export type AgentApi =
  | 'generateContent'
  | 'interactions'
  | {
      name: 'interactions';
      store?: boolean | undefined;
      background?: boolean | InteractionsBackground | undefined;
    };

const MAX_INTERVAL_MS = 3_600_000;
const MAX_WAIT_MS = 7 * 24 * 3_600_000;

function isBound(value: unknown, max: number): boolean {
  return (
    value === undefined ||
    (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max)
  );
}

function isBackground(value: unknown): boolean {
  if (value === undefined || typeof value === 'boolean') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { pollIntervalMs, maxPollIntervalMs, maxWaitMs, ...rest } = value as Record<
    string,
    unknown
  >;
  return (
    Object.keys(rest).length === 0 &&
    isBound(pollIntervalMs, MAX_INTERVAL_MS) &&
    isBound(maxPollIntervalMs, MAX_INTERVAL_MS) &&
    isBound(maxWaitMs, MAX_WAIT_MS)
  );
}

/** Whether `value` is an {@link AgentApi}. @internal */
export function isAgentApi(value: unknown): value is AgentApi {
  if (value === 'generateContent' || value === 'interactions') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { name, store, background, ...rest } = value as {
    name?: unknown;
    store?: unknown;
    background?: unknown;
  };
  return (
    name === 'interactions' &&
    (store === undefined || typeof store === 'boolean') &&
    isBackground(background) &&
    Object.keys(rest).length === 0
  );
}
