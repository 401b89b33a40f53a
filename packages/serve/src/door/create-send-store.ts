import type { ChatTurn, HistoryStore } from '@gemloop/core/chat';

/** The store one send of a door sees, see {@link createSendStore}. @internal */
export type SendStore = HistoryStore & {
  /** Whether `earlier` has been written to the store (with the send's own turn). */
  readonly written: () => boolean;
  /**
   * The agent holding the conversation as the send found it: the `agent` of the newest turn the
   * send's own load of `key` read (`earlier`, when given: it has none), as the chat session reads
   * it to pick the agent it sends to. `undefined` before that load, and for the session's own
   * agent.
   */
  readonly holder: () => string | undefined;
};

/** What {@link createSendStore} wraps. @internal */
export type SendStoreOptions = {
  /** The door's store. */
  store: HistoryStore;
  /** The conversation the send continues (the chat session's id). */
  key: string;
  /**
   * A turn the request brings before its last message (the OpenAI door's earlier input items),
   * shown as the conversation's newest turn and written only with the send's own turn.
   */
  earlier?: ChatTurn | undefined;
};

/**
 * `store`, seen by one send to the conversation `key`: it tells the door who holds the
 * conversation from the send's OWN load (`holder`), so a door that streams picks the answering
 * agent without a second read of the whole history per request. The OpenAI Responses door
 * (leftovers67) and the A2A door (doors-unify53; `conversationHolder` read it again before each
 * task) both learn it so.
 *
 * With `earlier` (the request's input items before the last) as its newest turn: the agent gets
 * them as history, and they are appended only when the send saves its own turn, just before it.
 * A send that fails saves nothing, so the conversation stays as it was; OpenAI adds a response's
 * input items to its conversation "after this response completes"
 * (https://platform.openai.com/docs/api-reference/responses/create, `conversation`). Written
 * ahead of the run, a failed response's items stayed, and the official client's own retry of a
 * 500 stored them twice (attack-doors10).
 *
 * No `loadRecent`: these doors' sessions set no history limit, so a session calls `load`.
 * @internal
 */
export function createSendStore({ store, key, earlier }: SendStoreOptions): SendStore {
  let pending = earlier;
  let written = false;
  let holder: string | undefined;
  return {
    written: () => written,
    holder: () => holder,
    async load(id, context) {
      const stored = await store.load(id, context);
      const turns = id === key && pending !== undefined ? [...stored, pending] : stored;
      // A custom store hands back what it was given or made: a holder that is no name is none,
      // as the session reads it.
      if (id === key) {
        const agent: unknown = turns.at(-1)?.agent;
        holder = typeof agent === 'string' ? agent : undefined;
      }
      return turns;
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
