import type { Content } from '../../../wire/content.ts';

/** The model call about to be made (or being made, for a wrapper). */
export type ModelCallDraft = {
  readonly stepNumber: number;
  /** `tools` for a step of the tool loop; `final-output` for the structured answer's own call. */
  readonly kind: 'tools' | 'final-output';
  /**
   * What the call sends as `contents`: the history (compacted when compaction is on), or what a
   * `beforeModelCall` before this one returned instead.
   */
  readonly contents: readonly Content[];
  /**
   * The model the call goes to: `undefined` for the agent's. A `wrapModelCall` that passes another
   * to `next` (a fallback) gets a step made by that model: its request built for that model (its
   * thinking fields, its URL; no prompt cache, which belongs to the agent's model), its cost
   * priced at that model's prices, and `step.model` naming it. The seam signs the contents for
   * the model they go to: thought signatures are bound to the model that made them, so the turns
   * another model made lose theirs, with Google's documented dummy where a Gemini 3 model needs
   * one (the same for the agent's model after a turn another made); the run's history keeps
   * every turn verbatim.
   */
  readonly model?: string | undefined;
  /**
   * The name of a cached content (`cachedContents/…`, made with `gemini.caches.create`) holding
   * the agent's system instruction, tools and tool config: the call sends it as `cachedContent`
   * instead of those fields (the API refuses them beside it). `undefined`: they go inline. A
   * `wrapModelCall` sets it when it passes the call to `next` (the agent's `cache` option is such a
   * plugin); a cache belongs to one model, so set it only for the model the cache was made for.
   */
  readonly cachedContent?: string | undefined;
};

/**
 * What `beforeModelCall` may return: other contents to send for this call only (the history
 * keeps what it holds: a memory recall, a reminder), or the end of the run before the call.
 */
export type ModelCallChange = { readonly contents: readonly Content[] } | FinishOutcome;

/** End the run here (a budget spent, a tripwire, a loop that will not end). */
export type FinishOutcome = { readonly type: 'finish'; readonly reason: string };

/**
 * An agent a run can be handed to: one made by `createAgent` (its `run` and `stream`; a run
 * continues with its config, so another object is refused with a `PluginError`).
 */
export type HandOffAgent = {
  run(input: never, options?: never): Promise<unknown>;
};

/**
 * Give the run to another agent once the current step is over: the SAME run (its id, step
 * numbers, usage, events and signal) goes on with `to`'s instructions, tools, model, limits,
 * guardrails, compaction and plugins (the plugins the run has of its own, a chat session's, a
 * parent's, stay). The stream shows a `handoff` event and `result.handoffs` names `to`.
 */
export type HandOffOutcome = {
  readonly type: 'hand-off';
  readonly to: HandOffAgent;
  /**
   * The name `to` goes by in the `handoff` event, `result.handoffs` and a chat session's stored
   * turns. @defaultValue `to`'s `name` option, else `'agent'`
   */
  readonly name?: string | undefined;
  /**
   * Rewrites the history for `to`: gets the run's contents and the index where the agent handing
   * over took the run, returns the contents `to` continues from. It may change only the run's own
   * contents (from the run's input on), and what it returns is checked as any history is: a bad
   * one ends the run with an `AgentRunError`.
   * @defaultValue drops the tool exchanges of the agent handing over (`dropToolExchanges` in
   * `@gemloop/core/history`), keeping its words and the last model turn.
   */
  readonly filter?: ((contents: readonly Content[], from: number) => Content[]) | undefined;
  /**
   * User contents appended after the history (filtered) before `to`'s first call: from
   * `afterAnswer` the history ends with the answer, and a model call needs a user turn last
   * (what to ask `to`). Not taken from `afterToolCall`, whose responses end the history.
   */
  readonly contents?: readonly Content[] | undefined;
};

/**
 * What `afterAnswer` may decide about an answer (a step without calls): end the run here (the
 * default when no hook decides), append `contents` (a user turn: a correction, a steer) and
 * call the model again, or hand the run to another agent ({@link HandOffOutcome}, with the user
 * turn it answers in `contents`). `contents` may be empty when the hook added them itself with
 * `run.addInput` (checked by the input guardrails); empty with nothing added is a `PluginError`
 * (the model would answer the same history again until `maxSteps`).
 */
export type StepOutcome =
  | FinishOutcome
  | { readonly type: 'run-again'; readonly contents: readonly Content[] }
  | HandOffOutcome;
