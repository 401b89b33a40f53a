import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createFakeAuthTokens, type FakeAuthToken } from './fake-auth-tokens.ts';
import type { CreateFakeLiveOptions, FakeLiveConnection } from './fake-live-script.ts';
import type { Conn, FakeLiveState } from './fake-live-state.ts';
import type { LiveRule } from './live-rules.ts';
import { onConnection } from './on-fake-live-connection.ts';

/** A fake Live API (`BidiGenerateContent` over a WebSocket) made by {@link createFakeLive}. */
export type FakeLive = {
  /** The server's base URL, `http://127.0.0.1:<port>`: give it to `createGemini({ baseUrl })`. */
  readonly url: string;
  /** Every connection, in the order they opened. */
  readonly connections: readonly FakeLiveConnection[];
  /** Every contract violation, with the rule broken, in order; each also closed its socket. */
  readonly errors: readonly { rule: LiveRule; detail: string }[];
  /** The resumption handles sent so far, in order. */
  readonly handles: readonly string[];
  /** The ephemeral tokens minted at `POST /v1alpha/auth_tokens`, by name. */
  readonly authTokens: ReadonlyMap<string, FakeAuthToken>;
  /** Cuts every open socket without a close frame, as a network drop does. */
  dropAll(): void;
  /** Closes every socket and the server. Safe to call twice. */
  close(): Promise<void>;
  /** `close()`, for `await using fake = await createFakeLive(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * Starts a fake Live API on 127.0.0.1 that plays `script` and enforces the protocol's contract
 * (setup first and only first, tool response ids, resumption handles: see `LIVE_RULES`, each
 * with its source). A broken rule closes the socket with code 1007 (1008 for auth, 1011 for a
 * resume refused) and is recorded in `errors`.
 *
 * @example
 * const fake = await createFakeLive({ script: [[{ text: 'Hello!' }]] });
 * const gemini = createGemini({ apiKey: 'test', baseUrl: fake.url });
 */
export async function createFakeLive(options: CreateFakeLiveOptions): Promise<FakeLive> {
  const { script, apiKey, resumptionUpdates = true, refuseResumeWhileOpen = true } = options;
  const now = options.now ?? Date.now;
  const authTokens = createFakeAuthTokens({ apiKey, now });
  // One port: the WebSocket upgrades, and plain HTTP for minting ephemeral tokens.
  const http = createServer((request, response) => {
    authTokens.handle(request, response).catch(() => response.destroy());
  });
  const server = new WebSocketServer({ server: http });
  await new Promise<void>((resolve, reject) => {
    http.once('listening', resolve);
    http.once('error', reject);
    http.listen(0, '127.0.0.1');
  });
  const { port } = http.address() as AddressInfo;
  const state: FakeLiveState = {
    options,
    script,
    resumptionUpdates,
    refuseResumeWhileOpen,
    now,
    authTokens,
    connections: [],
    errors: [],
    handles: [],
    snapshots: new Map(),
    conns: new Set<Conn>(),
    sessionCount: 0,
    callCount: 0,
    fired: new WeakSet(),
  };
  const { connections, conns } = state;

  server.on('connection', (ws, request) => onConnection(state, ws, request));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const conn of conns) conn.ws.terminate();
      server.close();
      http.close(() => resolve());
      http.closeAllConnections();
    });
    return closing;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    errors: state.errors,
    handles: state.handles,
    authTokens: authTokens.tokens,
    dropAll(): void {
      for (const conn of conns) conn.ws.terminate();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
