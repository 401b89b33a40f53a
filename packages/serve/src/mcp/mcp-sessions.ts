import type { RunOwner } from '@gemloop/core/web';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { pickEvicted } from '../door/pick-evicted.ts';
import type { CancelledCalls } from './cancelled-calls.ts';

/** An MCP session of the HTTP door: its owner, its transport, what of it is open. @internal */
export type McpSession = {
  owner: RunOwner;
  transport: WebStandardStreamableHTTPServerTransport;
  /** The ids of the session's requests whose POST is still answering (`claimRequestIds`). */
  inFlight: Set<string>;
  /** Its calls' cancels: a POST of cancelled calls ends (`createCancelledCalls`). */
  calls: CancelledCalls;
  /** The session's requests (and GET streams) still open: it is idle only at 0. */
  open: number;
  /** Closes the session once idle `sessionIdleMs`: armed while `open` is 0. */
  idle: ReturnType<typeof setTimeout> | undefined;
};

/** The HTTP door's sessions by `Mcp-Session-Id`, bounded and closed when idle. @internal */
export type McpSessions = {
  get(id: string): McpSession | undefined;
  /** Keeps a session just initialized; past `maxConnections` one is closed (`pickEvicted`). */
  add(
    id: string,
    owner: RunOwner,
    transport: WebStandardStreamableHTTPServerTransport,
    calls: CancelledCalls,
  ): void;
  /** Forgets session `id` (closed, evicted, idle), its idle timer with it. */
  forget(id: string): void;
  /** Counts a request of the session as open: what ends it (once), re-arming the idle timer. */
  hold(id: string, session: McpSession): () => void;
  /** Closes every session; one added after is closed at once. */
  close(): Promise<void>;
  /** Whether {@link McpSessions.close} ran. */
  closed(): boolean;
};

/**
 * The door's {@link McpSessions}: at most `maxConnections` (the caller holding the most loses its
 * oldest, not another caller), each closed after `sessionIdleMs` with no request or stream open
 * (0: never). @internal
 */
export function createMcpSessions(options: {
  maxConnections: number;
  sessionIdleMs: number;
  onError: (error: unknown) => void;
}): McpSessions {
  const { onError } = options;
  const sessions = new Map<string, McpSession>();
  let closed = false;
  const forget = (id: string) => {
    clearTimeout(sessions.get(id)?.idle);
    sessions.delete(id);
  };
  // An abandoned session (a client gone without DELETE) held ~37 KB until `maxConnections` newer
  // ones pushed it out (attack50a). The MCP spec (2025-11-25, Transports, Session Management)
  // lets a server end a session at any time, answering 404 after, and its client then
  // initializes again; a request or stream still open keeps the session.
  const armIdle = (id: string, session: McpSession) => {
    clearTimeout(session.idle);
    session.idle = undefined;
    if (options.sessionIdleMs === 0 || session.open > 0) return;
    if (sessions.get(id) !== session) return;
    session.idle = setTimeout(() => {
      session.idle = undefined;
      if (sessions.get(id) !== session || session.open > 0) return;
      sessions.delete(id);
      void session.transport.close().catch(onError);
    }, options.sessionIdleMs);
    // Never what keeps a process alive.
    session.idle.unref?.();
  };
  return {
    get: (id) => sessions.get(id),
    add(id, owner, transport, calls) {
      // An initialize answered while the door closed: nothing would ever close its session.
      if (closed) {
        void transport.close().catch(onError);
        return;
      }
      const session: McpSession = {
        owner,
        transport,
        calls,
        inFlight: new Set(),
        open: 0,
        idle: undefined,
      };
      sessions.set(id, session);
      armIdle(id, session);
      while (sessions.size > options.maxConnections) {
        // The caller holding the most sessions loses its oldest, not another caller.
        const evicted = pickEvicted(sessions, (each) => each.owner);
        const found = evicted === undefined ? undefined : sessions.get(evicted);
        if (evicted === undefined || found === undefined) break;
        forget(evicted);
        void found.transport.close().catch(onError);
      }
    },
    forget,
    hold(id, session) {
      session.open += 1;
      armIdle(id, session);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        session.open -= 1;
        armIdle(id, session);
      };
    },
    closed: () => closed,
    async close() {
      closed = true;
      const open = [...sessions.values()];
      for (const session of open) clearTimeout(session.idle);
      sessions.clear();
      await Promise.allSettled(open.map((session) => session.transport.close()));
    },
  };
}
