import type { Agent } from '@gemloop/core';
import { type ChatSession, createChatSession, type HistoryStore } from '@gemloop/core/chat';
import { silentLogger } from '@gemloop/core/logging';
import type { RunOwner } from '@gemloop/core/web';
import { ownThread, wasEvicted } from '../door/create-door-history-store.ts';
import { createSendStore } from '../door/create-send-store.ts';
import { pickEvicted } from '../door/pick-evicted.ts';

/** A chat session the caller named, recorded with its owner and agent. @internal */
type OwnedSession = { owner: RunOwner; agent: string; key: string; busy: boolean };

/**
 * Why a session id could not be used: a send is in flight on it (`busy`), or the store evicted
 * its history whole (`evicted`: the door store's `maxTotalBytes`; the session is forgotten, so
 * the caller is told once and the id then opens a new session). @internal
 */
export type SessionRefusal = 'busy' | 'evicted';

/**
 * A session opened for a send (release it when the send settles), or why it was not. `holder`:
 * the agent an earlier hand-off left holding it, learnt from the send's own load of its history
 * (`createSendStore`), so a door that streams need not read it again. @internal
 */
export type OpenedSession =
  | { chat: ChatSession; holder: () => string | undefined; release: () => Promise<void> }
  | { refused: SessionRefusal };

/** The chat sessions of the MCP door, see {@link createOwnedSessions}. @internal */
export type OwnedSessions = {
  open(id: string, owner: RunOwner, agentName: string, agent: Agent): OpenedSession;
  readonly size: number;
};

/**
 * The chat sessions of the MCP door, by caller, agent and the `sessionId` the caller chose: the
 * first call with an id opens it, later calls continue it. Each caller (and agent) has its own
 * space of ids, so another caller sending the same id opens a session of their own, as for any
 * new id, and learns nothing of the first (a refusal would have said it exists). Bounded:
 * past `max`, the least recently used idle session of the caller holding the most is forgotten
 * and its turns cleared, so a client that makes up ids cannot grow the server's memory, nor
 * push out another caller's sessions. @internal
 */
export function createOwnedSessions(options: {
  store: HistoryStore;
  max: number;
  onError: (error: unknown) => void;
}): OwnedSessions {
  const { store, max, onError } = options;
  const sessions = new Map<string, OwnedSession>();

  /**
   * Clears a forgotten session's turns, its failure told to `onError`: a store's `clear` may
   * return nothing (a synchronous store), so it may throw rather than reject. Thrown, it left a
   * send's session claimed for good, and the MCP SDK answered with its message (doors67).
   */
  function forget(key: string) {
    try {
      void Promise.resolve(store.clear(key, { logger: silentLogger })).catch(onError);
    } catch (error) {
      onError(error);
    }
  }

  function evict() {
    while (sessions.size > max) {
      // The least recently used idle session of the caller holding the most, never another's.
      const id = pickEvicted(
        sessions,
        (session) => session.owner,
        (session) => !session.busy,
      );
      const session = id === undefined ? undefined : sessions.get(id);
      if (id === undefined || session === undefined) return;
      sessions.delete(id);
      forget(session.key);
    }
  }

  return {
    /**
     * The chat session `sessionId` of `owner` on `agentName`, opened when new; a refusal when a
     * send is in flight on it.
     */
    open(sessionId: string, owner: RunOwner, agentName: string, agent: Agent): OpenedSession {
      // JSON: no part can forge another's boundary.
      const id = JSON.stringify([owner, agentName, sessionId]);
      let found = sessions.get(id);
      if (found !== undefined) {
        if (found.busy) return { refused: 'busy' as const };
        sessions.delete(id); // re-inserted below: the Map's order is the recency order
        if (wasEvicted(store, found.key)) {
          forget(found.key);
          return { refused: 'evicted' as const };
        }
      } else {
        // The store's key is not the caller's id: two owners' ids never meet in the store.
        found = { owner, agent: agentName, key: `mcp-${crypto.randomUUID()}`, busy: false };
        ownThread(store, found.key, owner);
      }
      sessions.set(id, found);
      found.busy = true;
      evict();
      const entry = found;
      const seen = createSendStore({ store, key: entry.key });
      const chat = createChatSession({ agent, store: seen, id: entry.key });
      return {
        chat,
        holder: seen.holder,
        release: async () => {
          entry.busy = false;
          await chat.close().catch(onError);
          evict();
        },
      };
    },
    /** Sessions held now. */
    get size(): number {
      return sessions.size;
    },
  };
}
