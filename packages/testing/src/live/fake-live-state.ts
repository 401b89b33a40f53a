import type { WebSocket } from 'ws';
import type { createFakeAuthTokens } from './fake-auth-tokens.ts';
import type {
  CreateFakeLiveOptions,
  FakeLiveConnection,
  FakeLiveStep,
  FakeLiveTurn,
} from './fake-live-script.ts';
import type { LiveRule } from './live-rules.ts';

/** A JSON object (not null, not a list). The live module reads no core helper, so its own. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A call the model waits on an answer to; `idless`: sent without an id (`id: null`). */
export type Pending = { name: string; blocking: boolean; idless: boolean };
/** A Live session: its turns played, its calls waiting, its open sockets. @internal */
export type Session = {
  id: number;
  turnIndex: number;
  pending: Map<string, Pending>;
  sockets: Set<Conn>;
  closedAt: number | undefined;
};
/**
 * The key of the oldest unanswered id-less call named `name` (a Map iterates in insertion order,
 * which is call order), or undefined.
 */
export function idlessPending(session: Session, name: unknown): string | undefined {
  for (const [key, call] of session.pending) if (call.idless && call.name === name) return key;
  return undefined;
}

/** A session as a resumption handle saved it. @internal */
export type Snapshot = { session: Session; turnIndex: number; pending: [string, Pending][] };
/** One connection's state. @internal */
export type Conn = {
  ws: WebSocket;
  record: FakeLiveConnection;
  session: Session | undefined;
  behaviors: Map<string, string>;
  current: object | undefined;
  interruptWaiter: (() => void) | undefined;
  idleTurns: number;
  blockingOutstanding: Set<string>;
  /** With historyConfig.initialHistoryInClientContent: until the history's turnComplete. */
  awaitingHistory: boolean;
  goAwayTimer: ReturnType<typeof setTimeout> | undefined;
  /** The ephemeral token of a Constrained connection. */
  token: string | undefined;
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
/** What a fake Live server shares between its connections' handlers. @internal */
export type FakeLiveState = {
  /** The options the fake was made with. */
  readonly options: CreateFakeLiveOptions;
  readonly script: readonly FakeLiveTurn[];
  readonly resumptionUpdates: boolean;
  readonly refuseResumeWhileOpen: boolean;
  readonly now: () => number;
  readonly authTokens: ReturnType<typeof createFakeAuthTokens>;
  readonly connections: FakeLiveConnection[];
  readonly errors: { rule: LiveRule; detail: string }[];
  readonly handles: string[];
  readonly snapshots: Map<string, Snapshot>;
  readonly conns: Set<Conn>;
  sessionCount: number;
  callCount: number;
  /** Steps already played once (a drop or goAway is not replayed after a resume). */
  readonly fired: WeakSet<FakeLiveStep>;
};

/** Sends `frame` on the connection's socket while it is open. @internal */
export function send(conn: Conn, frame: Record<string, unknown> | string | Uint8Array): void {
  if (!conn.record.open) return;
  if (frame instanceof Uint8Array) conn.ws.send(frame, { binary: true });
  else conn.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
}

/** Records a broken rule and closes the socket with its code. @internal */
export function violate(state: FakeLiveState, conn: Conn, rule: LiveRule, detail: string): void {
  state.errors.push({ rule, detail });
  const code = rule === 'api-key' ? 1008 : rule === 'resume-while-open' ? 1011 : 1007;
  // A close reason is at most 123 bytes (RFC 6455 §5.5), and ws throws past that: cut by
  // UTF-8 bytes, between characters (the detail may quote the client's keys in any script).
  conn.ws.close(code, closeReason(`${rule}: ${detail}`));
  conn.current = undefined;
}

/** `text` cut to at most 123 UTF-8 bytes, between characters: a WebSocket close reason. */
function closeReason(text: string): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > 123) break;
    bytes += size;
    end += character.length;
  }
  return text.slice(0, end);
}
