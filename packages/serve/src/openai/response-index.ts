import type { ChatTurn, HistoryStore, HistoryStoreContext } from '@gemloop/core/chat';
import { isRunOwner, type RunOwner } from '@gemloop/core/web';
import { ownThread, wasEvicted } from '../door/create-door-history-store.ts';
import { pickEvicted } from '../door/pick-evicted.ts';

// Which chat conversation each response belongs to, and whose it is. A response id names a point
// in a conversation (its number of stored turns): continuing the newest response of a
// conversation sends to that conversation; continuing an older one (a branch, as OpenAI allows)
// copies the turns up to it into a new conversation, so the branches never see each other's
// turns. Bounded: past the limits the oldest conversations and responses of the caller holding
// the most are forgotten (their turns cleared from the store), and answer as unknown ones do: a
// caller making up conversations pushes out their own, not another caller's.

/** A conversation: one chat session's id in the store, and who owns it. @internal */
export type Conversation = {
  /** The id in the history store. */
  readonly key: string;
  readonly owner: RunOwner;
  /** Turns stored under `key`. */
  turns: number;
  /** The response at the conversation's end, for a continuation that may send to it. */
  head: string | undefined;
  /** A send is under way: another is refused (409), as OpenAI refuses it on a conversation. */
  busy: boolean;
  /** Forgotten past `maxConversations`: its responses answer as unknown ones. */
  forgotten: boolean;
};

/** A response as stored: its body (for `GET /v1/responses/{id}`) and its place in a conversation. @internal */
export type StoredResponse = {
  readonly id: string;
  readonly owner: RunOwner;
  readonly conversation: Conversation;
  /** Turns of the conversation up to and including this response. */
  readonly turns: number;
  readonly body: unknown;
};

/** @internal */
export type ResponseIndex = ReturnType<typeof createResponseIndex>;

/** @internal */
export function createResponseIndex(options: {
  store: HistoryStore;
  maxResponses: number;
  maxConversations: number;
  context: HistoryStoreContext;
  onError: (error: unknown) => void;
}) {
  const { store, context } = options;
  // A store that drops a conversation's oldest turns (createMemoryHistoryStore's
  // `maxHistoryBytes`, the door's default) says how many, so a branch counts past them. Read
  // once: the store is the caller's object.
  const snapshot = snapshotOf(store);
  const conversations = new Map<string, Conversation>();
  const responses = new Map<string, StoredResponse>();

  function open(key: string, owner: RunOwner): Conversation {
    const conversation: Conversation = {
      key,
      owner,
      turns: 0,
      head: undefined,
      busy: false,
      forgotten: false,
    };
    conversations.set(key, conversation);
    ownThread(store, key, owner);
    if (conversations.size > options.maxConversations) forgetOldest(conversation);
    return conversation;
  }

  /**
   * Forgets the oldest idle conversations down to the bound, never `opened`: when every older
   * one is sending, the conversation just opened would otherwise be forgotten before its first
   * send, which then stored turns nothing clears and a response nobody can continue.
   */
  function forgetOldest(opened: Conversation): void {
    while (conversations.size > options.maxConversations) {
      // The oldest idle conversation of the caller holding the most, never another caller's.
      const key = pickEvicted(
        conversations,
        (conversation) => conversation.owner,
        (conversation) => !conversation.busy && conversation !== opened,
      );
      const conversation = key === undefined ? undefined : conversations.get(key);
      if (key === undefined || conversation === undefined) return;
      conversations.delete(key);
      conversation.forgotten = true;
      Promise.resolve()
        .then(() => store.clear(key, context))
        .catch(options.onError);
    }
  }

  /** Forgets `conversation`: its responses answer as unknown ones, its turns are cleared. */
  function forget(conversation: Conversation): void {
    conversations.delete(conversation.key);
    conversation.forgotten = true;
    Promise.resolve()
      .then(() => store.clear(conversation.key, context))
      .catch(options.onError);
  }

  return {
    /**
     * Whether the store evicted `conversation`'s turns whole (the door store's `maxTotalBytes`):
     * then it is forgotten once idle, so the caller is told once and the id starts afresh.
     */
    evicted(conversation: Conversation): boolean {
      if (!wasEvicted(store, conversation.key)) return false;
      if (!conversation.busy && !conversation.forgotten) forget(conversation);
      return true;
    },

    /** A new conversation of `owner`, under a random key. */
    create(owner: RunOwner): Conversation {
      return open(`openai-response:${crypto.randomUUID()}`, owner);
    },

    /**
     * The caller's conversation named `id`, opened on first use. Keyed by owner and id, so two
     * callers who pick the same id have two conversations, and neither learns of the other's.
     */
    named(owner: RunOwner, id: string): Conversation {
      const key = `openai-conversation:${JSON.stringify([owner, id])}`;
      const found = conversations.get(key);
      if (found !== undefined && isRunOwner(found.owner, owner)) return found;
      return open(key, owner);
    },

    /** The response `id` when `caller` owns it and it is still known; `undefined` otherwise. */
    find(id: string, caller: RunOwner): StoredResponse | undefined {
      const found = responses.get(id);
      if (found === undefined || found.conversation.forgotten) return undefined;
      return isRunOwner(found.owner, caller) ? found : undefined;
    },

    /**
     * Forgets the response `id` when `caller` owns it (`GET` and `previous_response_id` then
     * answer as for an unknown one); `false` when there is none for `caller`, unknown and another
     * owner's alike. Its conversation's turns stay: its other responses still continue it.
     */
    remove(id: string, caller: RunOwner): boolean {
      const found = responses.get(id);
      if (found === undefined || found.conversation.forgotten || !isRunOwner(found.owner, caller))
        return false;
      responses.delete(id);
      if (found.conversation.head === id) found.conversation.head = undefined;
      return true;
    },

    /**
     * Where a continuation of `previous` sends: its conversation when `previous` is that
     * conversation's newest response and nothing is sending to it, else a new conversation
     * holding a copy of the turns up to `previous` (a branch). Claimed (`busy`) before the first
     * await, so two continuations of one response at once make two branches, never one history.
     */
    async continueFrom(previous: StoredResponse): Promise<Conversation> {
      const source = previous.conversation;
      if (source.head === previous.id && !source.busy) {
        source.busy = true;
        return source;
      }
      const branch = open(`openai-response:${crypto.randomUUID()}`, previous.owner);
      branch.busy = true;
      try {
        // Turns are only ever appended, so the first `previous.turns` are the same while a send
        // to the source adds its own after them; of those, the ones the store dropped are gone
        // (read in the same tick as the turns, so no append comes between).
        const { turns, droppedTurns } = snapshot?.(source.key) ?? {
          turns: await store.load(source.key, context),
          droppedTurns: 0,
        };
        const upTo = Math.max(0, previous.turns - droppedTurns);
        for (const turn of turns.slice(0, upTo)) {
          await store.append(branch.key, turn, context);
        }
        branch.turns = Math.min(turns.length, upTo);
      } catch (error) {
        branch.busy = false;
        throw error;
      }
      return branch;
    },

    /** Records a completed response at the end of its conversation. */
    record(response: {
      id: string;
      owner: RunOwner;
      conversation: Conversation;
      body: unknown;
    }): void {
      const stored: StoredResponse = { ...response, turns: response.conversation.turns };
      response.conversation.head = response.id;
      responses.set(response.id, stored);
      while (responses.size > options.maxResponses) {
        const oldest = pickEvicted(responses, (each) => each.owner);
        if (oldest === undefined) break;
        responses.delete(oldest);
      }
    },

    /** Conversations held (for tests of the bound). */
    get size(): { conversations: number; responses: number } {
      return { conversations: conversations.size, responses: responses.size };
    },
  };
}

type Snapshot = (key: string) => { turns: readonly ChatTurn[]; droppedTurns: number } | undefined;

/** The store's `snapshot` (a `MemoryHistoryStore`'s), bound; `undefined` for any other store. */
function snapshotOf(store: HistoryStore): Snapshot | undefined {
  try {
    const read = (store as { snapshot?: unknown }).snapshot;
    if (typeof read !== 'function') return undefined;
    return (key) => {
      // A `snapshot` of another meaning (a store of the user's) counts nothing dropped.
      const found = read.call(store, key) as
        | { turns?: unknown; droppedTurns?: unknown }
        | undefined;
      return Array.isArray(found?.turns) &&
        Number.isSafeInteger(found.droppedTurns) &&
        (found.droppedTurns as number) >= 0
        ? { turns: found.turns, droppedTurns: found.droppedTurns as number }
        : undefined;
    };
  } catch {
    return undefined;
  }
}
