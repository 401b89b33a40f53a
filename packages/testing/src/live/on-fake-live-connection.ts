import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { FakeLiveConnection } from './fake-live-script.ts';
import { type Conn, type FakeLiveState, isJsonObject, violate } from './fake-live-state.ts';
import { onMessage } from './on-fake-live-message.ts';

const SERVICE_PATH =
  /^\/ws\/google\.ai\.generativelanguage\.(v1alpha|v1beta|v1)\.GenerativeService\.(BidiGenerateContent|BidiGenerateContentConstrained)$/;

/**
 * A socket opened on the fake: recorded, its endpoint and key (or ephemeral token) checked,
 * then each message handled in order. @internal
 */
export function onConnection(state: FakeLiveState, ws: WebSocket, request: IncomingMessage): void {
  const record: FakeLiveConnection = {
    setup: undefined,
    messages: [],
    resumedHandle: undefined,
    open: true,
    closeCode: undefined,
    sessionId: 0,
  };
  state.connections.push(record);
  const conn: Conn = {
    ws,
    record,
    session: undefined,
    behaviors: new Map(),
    current: undefined,
    interruptWaiter: undefined,
    idleTurns: 0,
    blockingOutstanding: new Set(),
    awaitingHistory: false,
    goAwayTimer: undefined,
    token: undefined,
  };
  state.conns.add(conn);
  ws.on('close', (code) => {
    record.open = false;
    record.closeCode = code;
    conn.current = undefined;
    if (conn.goAwayTimer !== undefined) clearTimeout(conn.goAwayTimer);
    state.conns.delete(conn);
    if (conn.session !== undefined) {
      conn.session.sockets.delete(conn);
      conn.session.closedAt = state.now();
    }
  });
  ws.on('error', () => {});
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const method = SERVICE_PATH.exec(url.pathname);
  if (method === null) {
    violate(state, conn, 'endpoint', `no Live method at ${url.pathname}`);
    return;
  }
  if (method[2] === 'BidiGenerateContentConstrained') {
    // @google/genai src/live.ts: an `auth_tokens/` key goes to ...Constrained as ?access_token=,
    // on v1alpha ("ephemeral token support is in v1alpha only").
    const token = url.searchParams.get('access_token');
    if (method[1] !== 'v1alpha' || token === null || !state.authTokens.tokens.has(token)) {
      violate(
        state,
        conn,
        'ephemeral-token',
        token ? 'unknown token, or not on v1alpha' : 'no ?access_token=',
      );
      return;
    }
    conn.token = token;
  } else {
    const key = url.searchParams.get('key');
    if (
      key === null ||
      key === '' ||
      (state.options.apiKey !== undefined && key !== state.options.apiKey)
    ) {
      violate(state, conn, 'api-key', key ? 'API key not valid' : 'no API key in ?key=');
      return;
    }
  }
  ws.on('message', (data, isBinary) => {
    let message: unknown;
    try {
      message = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data));
    } catch {
      violate(state, conn, 'json', 'a client message is not JSON');
      return;
    }
    if (!isJsonObject(message)) {
      violate(state, conn, 'json', 'a client message is not a JSON object');
      return;
    }
    onMessage(state, conn, message);
  });
}
