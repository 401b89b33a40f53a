import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { InteractionsApi } from './agent-api.ts';
import { createInteractionsEntry } from './create-interactions-entry.ts';

/** Options of {@link interactionsApi}. */
export type InteractionsApiOptions = {
  /**
   * Whether the server keeps each interaction (`store`), so a step sends only what is new since
   * the last interaction of the same history, with `previous_interaction_id`. `false` keeps
   * nothing on the server and sends the whole history each step.
   * @defaultValue true (the API's default)
   */
  store?: boolean | undefined;
};

/**
 * An agent's `api` for Google's Interactions API: `createAgent({ ..., api: interactionsApi() })`.
 * The agent keeps building `generateContent` requests and reading `generateContent` responses
 * (tools, events, approvals, stop conditions, telemetry and recording are the same code); the
 * entry this carries translates both ways. It needs a client made by `createGemini`.
 */
export function interactionsApi(options?: InteractionsApiOptions): InteractionsApi {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: `interactionsApi(options): options must be an object like { store: false }; got ${typeof options}.`,
    });
  }
  const store = options?.store ?? true;
  if (typeof store !== 'boolean') {
    throw new InvalidArgumentError({
      argument: 'options.store',
      message: `interactionsApi(options): options.store must be true or false; got ${typeof store}.`,
    });
  }
  return {
    name: 'interactions',
    store,
    createEntry: (gemini) => createInteractionsEntry(gemini, { store }),
  };
}
