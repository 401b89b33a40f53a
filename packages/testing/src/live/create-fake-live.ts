import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { createFakeAuthTokens, type FakeAuthToken } from './fake-auth-tokens.ts';
import type {
  CreateFakeLiveOptions,
  FakeLiveConnection,
  FakeLiveStep,
  FakeLiveTurn,
} from './fake-live-script.ts';
import type { LiveRule } from './live-rules.ts';

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

/** Google's docs: "Resumption tokens are valid for 2 hours after the last session termination". */
const HANDLE_LIFETIME_MS = 2 * 60 * 60 * 1000;
const SERVICE_PATH =
  /^\/ws\/google\.ai\.generativelanguage\.(v1alpha|v1beta|v1)\.GenerativeService\.(BidiGenerateContent|BidiGenerateContentConstrained)$/;

/** The members of a LiveClientMessage (https://ai.google.dev/api/live), each a message itself. */
const MESSAGE_MEMBERS = ['setup', 'clientContent', 'realtimeInput', 'toolResponse'] as const;

/** A JSON object (not null, not a list). The live module reads no core helper, so its own. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A call the model waits on an answer to; `idless`: sent without an id (`id: null`). */
type Pending = { name: string; blocking: boolean; idless: boolean };
type Session = {
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
function idlessPending(session: Session, name: unknown): string | undefined {
  for (const [key, call] of session.pending) if (call.idless && call.name === name) return key;
  return undefined;
}

type Snapshot = { session: Session; turnIndex: number; pending: [string, Pending][] };
type Conn = {
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
  const connections: FakeLiveConnection[] = [];
  const errors: { rule: LiveRule; detail: string }[] = [];
  const handles: string[] = [];
  const snapshots = new Map<string, Snapshot>();
  const conns = new Set<Conn>();
  let sessionCount = 0;
  let callCount = 0;
  const fired = new WeakSet<FakeLiveStep>();

  const send = (conn: Conn, frame: Record<string, unknown> | string | Uint8Array): void => {
    if (!conn.record.open) return;
    if (frame instanceof Uint8Array) conn.ws.send(frame, { binary: true });
    else conn.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  };
  const violate = (conn: Conn, rule: LiveRule, detail: string): void => {
    errors.push({ rule, detail });
    const code = rule === 'api-key' ? 1008 : rule === 'resume-while-open' ? 1011 : 1007;
    // A close reason is at most 123 bytes (RFC 6455 §5.5), and ws throws past that: cut by
    // UTF-8 bytes, between characters (the detail may quote the client's keys in any script).
    conn.ws.close(code, closeReason(`${rule}: ${detail}`));
    conn.current = undefined;
  };

  server.on('connection', (ws, request) => {
    const record: FakeLiveConnection = {
      setup: undefined,
      messages: [],
      resumedHandle: undefined,
      open: true,
      closeCode: undefined,
      sessionId: 0,
    };
    connections.push(record);
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
    conns.add(conn);
    ws.on('close', (code) => {
      record.open = false;
      record.closeCode = code;
      conn.current = undefined;
      if (conn.goAwayTimer !== undefined) clearTimeout(conn.goAwayTimer);
      conns.delete(conn);
      if (conn.session !== undefined) {
        conn.session.sockets.delete(conn);
        conn.session.closedAt = now();
      }
    });
    ws.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = SERVICE_PATH.exec(url.pathname);
    if (method === null) {
      violate(conn, 'endpoint', `no Live method at ${url.pathname}`);
      return;
    }
    if (method[2] === 'BidiGenerateContentConstrained') {
      // @google/genai src/live.ts: an `auth_tokens/` key goes to ...Constrained as ?access_token=,
      // on v1alpha ("ephemeral token support is in v1alpha only").
      const token = url.searchParams.get('access_token');
      if (method[1] !== 'v1alpha' || token === null || !authTokens.tokens.has(token)) {
        violate(
          conn,
          'ephemeral-token',
          token ? 'unknown token, or not on v1alpha' : 'no ?access_token=',
        );
        return;
      }
      conn.token = token;
    } else {
      const key = url.searchParams.get('key');
      if (key === null || key === '' || (apiKey !== undefined && key !== apiKey)) {
        violate(conn, 'api-key', key ? 'API key not valid' : 'no API key in ?key=');
        return;
      }
    }
    ws.on('message', (data, isBinary) => {
      let message: unknown;
      try {
        message = JSON.parse(
          isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data),
        );
      } catch {
        violate(conn, 'json', 'a client message is not JSON');
        return;
      }
      if (!isJsonObject(message)) {
        violate(conn, 'json', 'a client message is not a JSON object');
        return;
      }
      onMessage(conn, message);
    });
  });

  function onMessage(conn: Conn, message: Record<string, unknown>): void {
    // Each member of the message is a message of its own (LiveClientMessage): a client's null,
    // string or list there is refused, never read into (a TypeError in a socket listener would
    // escape the server).
    const malformed = MESSAGE_MEMBERS.find(
      (key) => message[key] !== undefined && !isJsonObject(message[key]),
    );
    if (malformed !== undefined) {
      violate(conn, 'json', `${malformed} is not a JSON object`);
      return;
    }
    if (conn.record.setup === undefined) {
      if (message['setup'] === undefined) {
        violate(conn, 'setup-first', `the first message was ${Object.keys(message).join(', ')}`);
        return;
      }
      onSetup(conn, message['setup'] as Record<string, unknown>);
      return;
    }
    if (message['setup'] !== undefined) {
      violate(conn, 'setup-once', 'a second setup message');
      return;
    }
    const kinds = ['clientContent', 'realtimeInput', 'toolResponse'].filter(
      (key) => message[key] !== undefined,
    );
    if (kinds.length !== 1) {
      violate(
        conn,
        'one-of',
        `a message with ${kinds.length} of clientContent, realtimeInput, toolResponse`,
      );
      return;
    }
    conn.record.messages.push(message);
    const clientContent = message['clientContent'] as Record<string, unknown> | undefined;
    if (clientContent !== undefined) {
      if (conn.awaitingHistory) {
        // HistoryConfig: "This initial history will not trigger a model call".
        if (clientContent['turnComplete'] === true) conn.awaitingHistory = false;
        return;
      }
      if (clientContent['turnComplete'] === true) userTurn(conn);
      return;
    }
    const realtime = message['realtimeInput'] as Record<string, unknown> | undefined;
    if (realtime !== undefined && conn.awaitingHistory) {
      violate(
        conn,
        'initial-history',
        'realtimeInput before the initial history ended with turnComplete',
      );
      return;
    }
    if (realtime !== undefined) {
      const automatic =
        (
          conn.record.setup?.['realtimeInputConfig'] as
            | { automaticActivityDetection?: { disabled?: boolean } }
            | undefined
        )?.automaticActivityDetection?.disabled !== true;
      if (
        automatic &&
        (realtime['activityStart'] !== undefined || realtime['activityEnd'] !== undefined)
      ) {
        violate(
          conn,
          'activity-signals',
          'activityStart/activityEnd with automatic activity detection on',
        );
        return;
      }
      if (!automatic && realtime['audioStreamEnd'] !== undefined) {
        violate(conn, 'audio-stream-end', 'audioStreamEnd with automatic activity detection off');
        return;
      }
      if (
        typeof realtime['text'] === 'string' ||
        realtime['audioStreamEnd'] === true ||
        realtime['activityEnd'] !== undefined
      ) {
        userTurn(conn);
      }
      return;
    }
    onToolResponse(conn, message['toolResponse'] as Record<string, unknown>);
  }

  function onSetup(conn: Conn, clientSetup: Record<string, unknown>): void {
    let setup = clientSetup;
    if (conn.token !== undefined) {
      const resume =
        typeof (setup['sessionResumption'] as { handle?: unknown } | undefined)?.handle ===
        'string';
      const refused = authTokens.use(conn.token, resume);
      if (refused !== undefined) {
        violate(conn, 'ephemeral-token', refused);
        return;
      }
      // The setup the token locks wins over the page's (a page cannot change tools or model).
      const locked = authTokens.tokens.get(conn.token)?.setup;
      if (locked !== undefined) setup = { ...setup, ...locked };
    }
    conn.record.setup = setup;
    if (options.hangOnSetup === true) return;
    const model = setup['model'];
    if (typeof model !== 'string' || !model.startsWith('models/')) {
      violate(
        conn,
        'setup-model',
        `setup.model must be "models/<name>", got ${JSON.stringify(model)}`,
      );
      return;
    }
    const tools = setup['tools'] ?? [];
    const listsOfObjects =
      Array.isArray(tools) &&
      tools.every(
        (tool) =>
          isJsonObject(tool) &&
          (tool['functionDeclarations'] === undefined ||
            (Array.isArray(tool['functionDeclarations']) &&
              tool['functionDeclarations'].every(isJsonObject))),
      );
    if (!listsOfObjects) {
      violate(conn, 'json', 'setup.tools is not a list of Tool objects');
      return;
    }
    for (const tool of tools as Record<string, unknown>[]) {
      for (const declaration of (tool['functionDeclarations'] as
        | Record<string, unknown>[]
        | undefined) ?? []) {
        if (declaration['parametersJsonSchema'] !== undefined) {
          violate(
            conn,
            'openapi-parameters',
            `function ${String(declaration['name'])} uses parametersJsonSchema`,
          );
          return;
        }
        conn.behaviors.set(
          String(declaration['name']),
          String(declaration['behavior'] ?? 'BLOCKING'),
        );
      }
    }
    const resumption = setup['sessionResumption'] as
      | { handle?: unknown; transparent?: unknown }
      | undefined;
    if (resumption?.transparent !== undefined) {
      violate(conn, 'transparent-resumption', 'sessionResumption.transparent on the Gemini API');
      return;
    }
    const handle = resumption?.handle;
    if (typeof handle === 'string' && handle !== '') {
      const snapshot = snapshots.get(handle);
      if (snapshot === undefined) {
        violate(conn, 'resume-handle', 'unknown session resumption handle');
        return;
      }
      const { session } = snapshot;
      if (
        session.sockets.size === 0 &&
        session.closedAt !== undefined &&
        now() - session.closedAt > HANDLE_LIFETIME_MS
      ) {
        violate(conn, 'resume-handle', 'the resumption handle expired');
        return;
      }
      if (refuseResumeWhileOpen && session.sockets.size > 0) {
        violate(conn, 'resume-while-open', 'a socket of this session is still open');
        return;
      }
      session.turnIndex = snapshot.turnIndex;
      session.pending = new Map(snapshot.pending);
      conn.session = session;
      conn.record.resumedHandle = handle;
    } else {
      sessionCount += 1;
      conn.session = {
        id: sessionCount,
        turnIndex: 0,
        pending: new Map(),
        sockets: new Set(),
        closedAt: undefined,
      };
    }
    conn.session.sockets.add(conn);
    const history = setup['historyConfig'] as
      | { initialHistoryInClientContent?: unknown }
      | undefined;
    conn.awaitingHistory = history?.initialHistoryInClientContent === true;
    conn.record.sessionId = conn.session.id;
    send(conn, { setupComplete: {} });
    sendResumptionUpdate(conn);
    if (options.dropResumes === true && conn.record.resumedHandle !== undefined) {
      setImmediate(() => conn.ws.terminate());
    }
  }

  function sendResumptionUpdate(conn: Conn): void {
    const config = conn.record.setup?.['sessionResumption'];
    const session = conn.session;
    if (!resumptionUpdates || config === undefined || session === undefined) return;
    if (conn.current !== undefined || conn.blockingOutstanding.size > 0) return;
    const newHandle = `fake-handle-${handles.length + 1}`;
    handles.push(newHandle);
    snapshots.set(newHandle, {
      session,
      turnIndex: session.turnIndex,
      pending: [...session.pending].filter(([, call]) => !call.blocking),
    });
    send(conn, { sessionResumptionUpdate: { newHandle, resumable: true } });
  }

  function userTurn(conn: Conn): void {
    if (conn.current !== undefined) {
      // LiveServerContent.interrupted: "a client message has interrupted current model generation".
      conn.current = undefined;
      const waiter = conn.interruptWaiter;
      conn.interruptWaiter = undefined;
      waiter?.();
      send(conn, { serverContent: { interrupted: true } });
    }
    void playTurn(conn);
  }

  function onToolResponse(conn: Conn, toolResponse: Record<string, unknown>): void {
    const session = conn.session as Session;
    const responses = toolResponse['functionResponses'];
    if (!Array.isArray(responses) || responses.length === 0) {
      violate(conn, 'tool-response-id', 'toolResponse without functionResponses');
      return;
    }
    let answeredBlocking = false;
    let next: 'none' | 'idle' | 'interrupt' = 'none';
    if (!responses.every(isJsonObject)) {
      violate(conn, 'json', 'a function response is not a JSON object');
      return;
    }
    for (const response of responses as Record<string, unknown>[]) {
      const id = response['id'];
      const key = id === undefined ? idlessPending(session, response['name']) : id;
      if (id === undefined && key === undefined) {
        violate(
          conn,
          'tool-response-id',
          `a function response without an id answers no pending id-less call of ${JSON.stringify(response['name'])}`,
        );
        return;
      }
      const call = typeof key === 'string' ? session.pending.get(key) : undefined;
      // An id the server never sent (an id-less call's key is the fake's own, never on the wire).
      if (call === undefined || (id !== undefined && call.idless)) {
        violate(
          conn,
          'tool-response-id',
          `function response id ${JSON.stringify(id)} matches no pending call`,
        );
        return;
      }
      if (response['name'] !== call.name) {
        violate(
          conn,
          'tool-response-id',
          `function response ${String(id)} names ${String(response['name'])}, the call was ${call.name}`,
        );
        return;
      }
      session.pending.delete(key as string);
      if (call.blocking) {
        conn.blockingOutstanding.delete(key as string);
        answeredBlocking = true;
        continue;
      }
      // FunctionResponseScheduling: "Defaults to WHEN_IDLE"; SILENT only adds to the context.
      const scheduling = response['scheduling'] ?? 'WHEN_IDLE';
      if (scheduling === 'INTERRUPT') next = 'interrupt';
      else if (scheduling === 'WHEN_IDLE' && next === 'none') next = 'idle';
    }
    if (answeredBlocking) {
      if (conn.blockingOutstanding.size === 0) void playTurn(conn);
      return;
    }
    if (next === 'interrupt') userTurn(conn);
    else if (next === 'idle') {
      if (conn.current === undefined) void playTurn(conn);
      else conn.idleTurns += 1;
    } else sendResumptionUpdate(conn);
  }

  async function playTurn(conn: Conn): Promise<void> {
    const session = conn.session as Session;
    const turn: FakeLiveTurn | undefined = script[session.turnIndex];
    if (turn === undefined) {
      violate(conn, 'script', `the script has no turn ${session.turnIndex + 1}`);
      return;
    }
    session.turnIndex += 1;
    const token = {};
    conn.current = token;
    let waiting = false;
    for (const step of turn) {
      // One step a macrotask, so client messages (an interruption) land between steps.
      await new Promise((resolve) => setImmediate(resolve));
      if (conn.current !== token || !conn.record.open) return;
      const outcome = await playStep(conn, session, step);
      if (conn.current !== token) return;
      if (outcome === 'wait') {
        waiting = true;
        break;
      }
    }
    conn.current = undefined;
    if (!waiting) {
      send(conn, { serverContent: { turnComplete: true } });
      sendResumptionUpdate(conn);
    }
    if (conn.idleTurns > 0 && conn.blockingOutstanding.size === 0) {
      conn.idleTurns -= 1;
      await playTurn(conn);
    }
  }

  async function playStep(
    conn: Conn,
    session: Session,
    step: FakeLiveStep,
  ): Promise<'go' | 'wait'> {
    // A drop or a goAway is the network's or the server's, not the model's: a turn replayed
    // after a resume plays without it.
    if ('drop' in step || 'goAway' in step || 'close' in step) {
      if (fired.has(step)) return 'go';
      fired.add(step);
    }
    if ('text' in step)
      send(conn, { serverContent: { modelTurn: { role: 'model', parts: [{ text: step.text }] } } });
    else if ('audio' in step) {
      const mimeType = step.mimeType ?? 'audio/pcm;rate=24000';
      send(conn, {
        serverContent: {
          modelTurn: { role: 'model', parts: [{ inlineData: { mimeType, data: step.audio } }] },
        },
      });
    } else if ('inputTranscript' in step) {
      send(conn, {
        serverContent: {
          inputTranscription: { text: step.inputTranscript, finished: step.finished },
        },
      });
    } else if ('outputTranscript' in step) {
      send(conn, {
        serverContent: {
          outputTranscription: { text: step.outputTranscript, finished: step.finished },
        },
      });
    } else if ('toolCalls' in step) {
      let blocking = false;
      const functionCalls = step.toolCalls.map((call) => {
        callCount += 1;
        const idless = call.id === null;
        // An id-less call is kept under a key of the fake's own (a NUL no id the script gives has).
        const id = idless ? `\u0000idless-${callCount}` : (call.id ?? `call-${callCount}`);
        const isBlocking = conn.behaviors.get(call.name) !== 'NON_BLOCKING';
        session.pending.set(id, { name: call.name, blocking: isBlocking, idless });
        if (isBlocking) {
          conn.blockingOutstanding.add(id);
          blocking = true;
        }
        const args = call.args ?? {};
        return idless ? { name: call.name, args } : { id, name: call.name, args };
      });
      send(conn, { toolCall: { functionCalls } });
      if (blocking) return 'wait';
    } else if ('cancelToolCalls' in step) {
      for (const id of step.cancelToolCalls) {
        session.pending.delete(id);
        conn.blockingOutstanding.delete(id);
      }
      send(conn, { toolCallCancellation: { ids: step.cancelToolCalls } });
    } else if ('goAway' in step) {
      // LiveServerGoAway.timeLeft is a protobuf Duration, JSON-encoded as seconds: "59s".
      send(conn, { goAway: { timeLeft: `${step.goAway.timeLeftMs / 1000}s` } });
      conn.goAwayTimer = setTimeout(
        () => conn.ws.close(1001, 'connection time limit'),
        step.goAway.timeLeftMs,
      );
      conn.goAwayTimer.unref?.();
    } else if ('drop' in step) {
      conn.ws.terminate();
      return 'wait';
    } else if ('usage' in step) send(conn, { usageMetadata: step.usage });
    else if ('awaitInterruption' in step) {
      await new Promise<void>((resolve) => {
        conn.interruptWaiter = resolve;
      });
    } else if ('frame' in step) send(conn, step.frame);
    else if ('close' in step) {
      conn.ws.close(step.close.code, step.close.reason);
      return 'wait';
    }
    return 'go';
  }

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
    errors,
    handles,
    authTokens: authTokens.tokens,
    dropAll(): void {
      for (const conn of conns) conn.ws.terminate();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
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
