import type { Gemini } from '../http/gemini.ts';
import type { ModelCallEntry } from '../http/model-call-entry.ts';

/**
 * The Interactions API as an agent's `api`, made by `interactionsApi()` from
 * `@gemloop/core/interactions`. It carries the backend itself, so an agent that stays on
 * `generateContent` never loads (or bundles) the Interactions code.
 */
export type InteractionsApi = {
  readonly name: 'interactions';
  /** Whether the server keeps each interaction (`store`). See `InteractionsApiOptions.store`. */
  readonly store: boolean;
  /** The agent's model-call entry over this API, made once per agent. @internal */
  readonly createEntry: (gemini: Gemini) => ModelCallEntry;
};

/**
 * Which Gemini API an agent's model calls use: `'generateContent'` (the default, and the format
 * gateways serve), or Google's Interactions API (`/v1beta/interactions`) with
 * `interactionsApi()` from `@gemloop/core/interactions`: the server keeps each step's state so a
 * step sends only what is new (`previous_interaction_id`); `interactionsApi({ store: false })`
 * keeps nothing on the server and sends the whole history each step. Everything else about the
 * agent is the same.
 */
export type AgentApi = 'generateContent' | InteractionsApi;

/** Whether `value` is an {@link AgentApi}. @internal */
export function isAgentApi(value: unknown): value is AgentApi {
  if (value === 'generateContent') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { name, store, createEntry } = value as Partial<Record<keyof InteractionsApi, unknown>>;
  return name === 'interactions' && typeof store === 'boolean' && typeof createEntry === 'function';
}
