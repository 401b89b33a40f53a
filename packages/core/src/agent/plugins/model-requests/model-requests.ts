// The request level of the seam (issue 53 items 2 and 3): a plugin may wrap the agent's model
// requests, each one request of the client, below `wrapModelCall` (which wraps a whole step).
// Resolved once per agent into the entry every step calls, so a run pays one frame per such
// plugin and an agent without one pays nothing. The Interactions backend is such a plugin (its
// wrapper never calls `next`: it answers every request itself), and a third party's is too.
import type { Gemini } from '../../../http/gemini.ts';
import type { ModelCallEntry } from '../../../http/model-call-entry.ts';

/**
 * What a request wrapper returns: an entry's `generate` and `stream`; `resumeFrom` (and the
 * client's redactor) are `next`'s when it leaves them out, so `{ ...next, generate }` and
 * `{ generate, stream }` both keep what they do not change.
 */
export type ModelRequestEntry = Pick<ModelCallEntry, 'generate' | 'stream'> &
  Partial<Pick<ModelCallEntry, 'resumeFrom' | 'redact' | 'secrets'>>;

/** What a request-level plugin is told of the agent whose requests it wraps. */
export type ModelRequestAgent = {
  /** The agent's client (its `gemini` option): the one `next` sends through. */
  readonly gemini: Gemini;
  /** The agent's model; a call a fallback sends elsewhere gets an entry wrapped for that model. */
  readonly model: string;
};

/**
 * Wraps the agent's model requests: given `next` (the entry of the plugins after this one, then
 * the client's), returns the entry the agent calls instead. Called once per agent (and once per
 * other model a fallback sends to), not per request. Pass each call's input on as given or
 * spread from it; an input built afresh goes with the given one as `next`'s second argument
 * (`next.generate(built, input)`), so the call counts against the request's bound.
 */
export type WrapModelRequest = (
  next: ModelCallEntry,
  agent: ModelRequestAgent,
) => ModelRequestEntry;

/**
 * A plugin that supplies the agent's requests (its `wrapModelRequest` answers them itself, never
 * calling `next`): what the agent's `api` option takes, such as `interactionsApi()` from
 * `@gemloop/core/interactions`.
 */
export type ModelApiPlugin = {
  readonly name: string;
  readonly wrapModelRequest: WrapModelRequest;
};

/**
 * Which Gemini API an agent's model calls use: `'generateContent'` (the default, and the format
 * gateways serve), or a plugin that answers them on another API: `interactionsApi()` from
 * `@gemloop/core/interactions` (Google's Interactions API, server-side state: a step sends only
 * what is new). `api: plugin` is sugar for listing the plugin last in `plugins` (innermost: the
 * other plugins' request wrappers wrap it). Tools, events, approvals, stop conditions, telemetry
 * and recording are the same on both.
 */
export type AgentApi = 'generateContent' | ModelApiPlugin;
