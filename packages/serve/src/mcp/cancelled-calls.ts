import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * The calls of one MCP connection that a client cancels (`notifications/cancelled`, or the door
 * for a client gone): each stopped, answered with nothing, and an HTTP POST of them ended. MCP
 * (2025-06-18, Utilities, Cancellation): the receiver stops the request, frees what it holds and
 * sends it no answer. The SDK (1.32) aborts the handler and sends nothing, but two things were
 * missing: its cancel skips a falsy id (`if (!params.requestId) return`), so a call of id 0 or
 * "" ran on for no one; and its Streamable HTTP transport ends a POST's stream only once every
 * request of it is answered, so a POST carrying a cancelled call stayed open for ever, its ids
 * claimed and its session never idle (attack62f). The same held for a `tools/list` or `ping`
 * cancelled before its answer (leftovers77b): a request the door runs no stop for is settled when
 * its cancel comes, and an answer the SDK still sends for it is dropped. @internal
 */
export type CancelledCalls = {
  /**
   * The signal a `tools/call` runs with (the SDK's, and the door's own stop for its id), and what
   * the handler calls when it is done.
   */
  begin(requestId: RequestId, signal: AbortSignal): { signal: AbortSignal; end(): void };
  /**
   * Notes the requests one HTTP POST carries, before the transport reads it; what forgets them
   * (a POST the transport failed on).
   */
  track(ids: readonly RequestId[]): () => void;
  /**
   * Watches `transport` (after `server.connect`): its cancels, and its answers. `closeStream`
   * ends the HTTP stream a request was sent on (`closeSSEStream`), for a POST whose requests are
   * all answered or cancelled.
   */
  watch(transport: Transport, closeStream?: (requestId: RequestId) => void): void;
};

/** A POST's requests still to settle, and whether one of them was cancelled. */
type Post = { pending: Set<string>; cancelled: boolean };

/** The door's {@link CancelledCalls} of one connection. @internal */
export function createCancelledCalls(): CancelledCalls {
  /** The door's own stop of each call running, by id. */
  const running = new Map<string, AbortController>();
  /** Calls the door stopped: their answer, if the SDK sends one, is dropped. */
  const stopped = new Set<string>();
  /**
   * Requests received and not yet answered or settled, with their method: a cancel of a
   * `tools/call` not begun is kept for its `begin`.
   */
  const received = new Map<string, string>();
  /** `tools/call`s begun (their handler ran `begin`), until answered or settled. */
  const begun = new Set<string>();
  /** Cancels that came before their call began (in the call's own batch). */
  const early = new Set<string>();
  const posts = new Map<string, Post>();
  let closeStream: ((requestId: RequestId) => void) | undefined;
  const settle = (requestId: RequestId, cancelled: boolean) => {
    const key = keyOf(requestId);
    const post = posts.get(key);
    if (post === undefined) return;
    posts.delete(key);
    post.pending.delete(key);
    post.cancelled ||= cancelled;
    // Every request of the POST answered: the SDK ends its stream itself, unless one was
    // cancelled (it waits for that one's answer, which never comes).
    if (post.pending.size === 0 && post.cancelled) closeStream?.(requestId);
  };
  const cancel = (requestId: RequestId) => {
    const key = keyOf(requestId);
    const stop = running.get(key);
    const method = received.get(key);
    if (stop !== undefined) {
      stopped.add(key);
      stop.abort(new Error('The client cancelled the request.'));
    } else if (method === 'tools/call' && !begun.has(key)) {
      early.add(key);
    } else if (method !== undefined) {
      // A request the door runs no stop for (`tools/list`, `ping`), or a call whose handler is
      // done and whose answer is not yet sent: the SDK sends none after its cancel (one it
      // sends before it, or for an id its cancel skips, is dropped), so it is settled now.
      received.delete(key);
      begun.delete(key);
      stopped.add(key);
      settle(requestId, true);
    }
  };
  return {
    begin(requestId, signal) {
      const key = keyOf(requestId);
      const stop = new AbortController();
      running.set(key, stop);
      begun.add(key);
      if (early.delete(key)) {
        stopped.add(key);
        stop.abort(new Error('The client cancelled the request.'));
      }
      return {
        signal: AbortSignal.any([signal, stop.signal]),
        end() {
          if (running.get(key) === stop) running.delete(key);
          // Not cancelled: its answer is on its way, and until it is sent a cancel still counts.
          if (!signal.aborted && !stop.signal.aborted) return;
          received.delete(key);
          begun.delete(key);
          // Cancelled by the SDK too: it sends no answer, so nothing is left to drop.
          if (signal.aborted) stopped.delete(key);
          // Cancelled: the SDK sends no answer (and one sent for an id it could not cancel is
          // dropped), so the call is settled now.
          settle(requestId, true);
        },
      };
    },
    track(ids) {
      const post: Post = { pending: new Set(ids.map(keyOf)), cancelled: false };
      for (const key of post.pending) posts.set(key, post);
      return () => {
        for (const key of post.pending) if (posts.get(key) === post) posts.delete(key);
      };
    },
    watch(transport, close) {
      closeStream = close;
      const receive = transport.onmessage;
      transport.onmessage = (message, extra) => {
        const requested = requestId(message);
        if (requested !== undefined) {
          const key = keyOf(requested);
          received.set(key, (message as { method: string }).method);
          // An id used again after its cancel: an answer the SDK never sent is not awaited.
          stopped.delete(key);
        }
        const cancelled = cancelledId(message);
        if (cancelled !== undefined) cancel(cancelled);
        receive?.(message, extra);
      };
      const send = transport.send.bind(transport);
      transport.send = async (message, options) => {
        const answered = answerId(message);
        // The SDK's answer to a call of an id its cancel skipped, which the door stopped.
        if (answered !== undefined && stopped.delete(keyOf(answered))) return;
        if (answered !== undefined) {
          received.delete(keyOf(answered));
          begun.delete(keyOf(answered));
          early.delete(keyOf(answered));
        }
        try {
          await send(message, options);
        } finally {
          // After the answer is written: ending the POST first would lose it.
          if (answered !== undefined) settle(answered, false);
        }
      };
    },
  };
}

/** The id a `notifications/cancelled` names, when it names one. */
function cancelledId(message: JSONRPCMessage): RequestId | undefined {
  if (!('method' in message) || message.method !== 'notifications/cancelled') return undefined;
  if ('id' in message) return undefined;
  const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** The id of a request (a message with a method and an id). */
function requestId(message: JSONRPCMessage): RequestId | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  const { id } = message as { id: unknown };
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** The id of an answer (a result or an error). */
function answerId(message: JSONRPCMessage): RequestId | undefined {
  if ('method' in message || !('id' in message)) return undefined;
  const { id } = message as { id: unknown };
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** 5 and "5" are two ids, as JSON-RPC reads them. */
function keyOf(id: RequestId): string {
  return `${typeof id}:${id}`;
}
