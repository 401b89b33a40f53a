import type { ChatTurn, HistoryStore } from '@gemloop/core/chat';

/** A store that shows a request's earlier items as a stored turn, written only with the answer. @internal */
export type EarlierTurnStore = HistoryStore & {
  /** Whether the earlier turn has been written to the store (with the send's own turn). */
  readonly written: () => boolean;
};

/**
 * `store`, seen by one send to the conversation `key`, with `earlier` (the request's input items
 * before the last) as its newest turn: the agent gets them as history, and they are appended
 * only when the send saves its own turn, just before it. A send that fails saves nothing, so
 * the conversation stays as it was; OpenAI adds a response's input items to its conversation
 * "after this response completes" (https://platform.openai.com/docs/api-reference/responses/create,
 * `conversation`). Written ahead of the run, a failed response's items stayed, and the official
 * client's own retry of a 500 stored them twice (attack-doors10).
 * @internal
 */
export function withEarlierTurn(
  store: HistoryStore,
  key: string,
  earlier: ChatTurn | undefined,
): EarlierTurnStore {
  let pending = earlier;
  let written = false;
  return {
    written: () => written,
    async load(id, context) {
      const turns = await store.load(id, context);
      return id === key && pending !== undefined ? [...turns, pending] : turns;
    },
    async append(id, turn, context) {
      if (id === key && pending !== undefined) {
        await store.append(id, pending, context);
        pending = undefined;
        written = true;
      }
      await store.append(id, turn, context);
    },
    clear: (id, context) => store.clear(id, context),
    ...(store.release === undefined
      ? {}
      : {
          release: (id, context) =>
            (store.release as NonNullable<HistoryStore['release']>)(id, context),
        }),
  };
}
