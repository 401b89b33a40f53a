import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import type { Content } from '../wire/content.ts';
import { isSameModel } from './thought-signatures/is-same-model.ts';

/**
 * A turn of a stored conversation: its contents, verbatim as the API returned them, and the model
 * that wrote them. Thought signatures are bound to that model: a run on another model sends the
 * turn without them (copies; the turn is never changed), and the documented dummy goes where
 * Gemini 3 requires one. The model lives next to the contents, never in them, so what goes on the
 * wire is exactly what the model returned.
 *
 * A chat session's stored turns (`ChatTurn`) are history turns; give your own store's turns
 * to `run(input, { history: turns })`, or `run(turns)` for a history that ends with calls to
 * answer.
 *
 * @example
 * ```ts
 * const result = await agentOnPro.run('And tomorrow?', {
 *   history: [{ contents: saved.contents, model: 'gemini-3-flash-preview' }],
 * });
 * ```
 */
export type HistoryTurn = {
  contents: readonly Content[];
  /**
   * The model that produced the turn's model contents (a `models/` prefix is ignored). Pass
   * `'unknown'` for a turn of unknown origin: its signatures are removed.
   * @defaultValue the running agent's model (its signatures are sent as they are)
   */
  model?: string | undefined;
  /**
   * The Interactions API interaction that holds the conversation up to this turn on the server
   * (a chat turn's `interactionId`). Read from the last turn of a `history` only: an agent on
   * `api: interactionsApi()` with `store` then sends only what follows it, with
   * `previous_interaction_id`. Ignored on `generateContent`.
   */
  interactionId?: string | undefined;
};

/** Contents of a list of turns, and the model of each content where it is not the agent's. @internal */
export type FlattenedTurns = {
  contents: Content[];
  /**
   * One entry per content: the other model that produced it, `undefined` for the agent's own.
   * `undefined` as a whole when every turn is the agent's (nothing is allocated for it).
   */
  producers: (string | undefined)[] | undefined;
  /**
   * The last turn's `interactionId` when it is a non-empty string, read once with the rest (a
   * getter or Proxy that answers differently on a second read cannot make the run resume from
   * another interaction, or with another prefix, than the contents it flattened).
   */
  interactionId?: string | undefined;
};

/**
 * Whether `list` (a non-empty array given as history or input) holds turns: its first element
 * has `contents` and is not a content (no `parts`, no `role`). @internal
 */
export function isHistoryTurnList(list: readonly unknown[]): boolean {
  const first = list[0];
  if (typeof first !== 'object' || first === null) return false;
  try {
    return 'contents' in first && !('parts' in first) && !('role' in first);
  } catch {
    // A Proxy whose `has` trap throws: read as contents, which the history check reports as
    // unreadable at its index, instead of the trap's bare error out of `run()`.
    return false;
  }
}

/**
 * Flattens turns into the contents sent (the same objects, in order) and says which contents
 * another model than `model` produced.
 *
 * @throws {@link InvalidArgumentError} naming the turn (`history[2].model`) when one is not
 *   `{ contents: Content[], model?: string }`.
 * @internal
 */
export function flattenHistoryTurns(
  turns: readonly HistoryTurn[],
  { model, argument }: { model: string; argument: string },
): FlattenedTurns {
  let count = 0;
  let foreign = false;
  // Each turn's fields are read once, here, into lists of ours: the caller's objects may be
  // getters or Proxies, and a second read may not answer as the first did.
  const lists: (readonly Content[])[] = new Array(turns.length);
  const models: (string | undefined)[] = new Array(turns.length);
  for (let index = 0; index < turns.length; index++) {
    const turn: unknown = turns[index];
    const list: unknown =
      typeof turn === 'object' && turn !== null ? (turn as HistoryTurn).contents : undefined;
    if (!Array.isArray(list)) {
      throw new InvalidArgumentError({
        argument: `${argument}[${index}]`,
        message: `${argument}[${index}] is not a turn { contents, model? }: a list of turns holds turns only (give contents or turns, not both).`,
      });
    }
    const producer: unknown = (turn as HistoryTurn).model;
    if (producer !== undefined && (typeof producer !== 'string' || producer.trim() === '')) {
      throw new InvalidArgumentError({
        argument: `${argument}[${index}].model`,
        message: `${argument}[${index}].model must be the name of the model that wrote the turn (e.g. 'gemini-3-pro-preview', or 'unknown' when nobody knows), or left out for this agent's model; got ${describeValue(producer)}.`,
      });
    }
    if (producer !== undefined && producer !== model && !isSameModel(producer, model)) {
      foreign = true;
    }
    lists[index] = list;
    models[index] = producer;
    count += list.length;
  }
  const contents: Content[] = new Array(count);
  const producers: (string | undefined)[] | undefined = foreign ? new Array(count) : undefined;
  let next = 0;
  for (let index = 0; index < lists.length; index++) {
    const list = lists[index] as readonly Content[];
    const turnModel = models[index];
    const producer =
      foreign && turnModel !== undefined && !isSameModel(turnModel, model) ? turnModel : undefined;
    // By index up to the length counted above: a list that grows or shrinks between the two
    // reads cannot put the contents out of step with `count`.
    for (let at = 0; at < list.length && next < count; at++) {
      if (producers !== undefined) producers[next] = producer;
      contents[next++] = list[at] as Content;
    }
  }
  const last: unknown = turns.length === 0 ? undefined : turns[turns.length - 1];
  const interactionId: unknown = (last as HistoryTurn | undefined)?.interactionId;
  return {
    contents: next === count ? contents : contents.slice(0, next),
    producers: producers === undefined || next === count ? producers : producers.slice(0, next),
    ...(typeof interactionId === 'string' && interactionId !== '' ? { interactionId } : {}),
  };
}
