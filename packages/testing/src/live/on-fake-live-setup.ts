import { type Conn, type FakeLiveState, isJsonObject, send, violate } from './fake-live-state.ts';
import { sendResumptionUpdate } from './play-fake-live-turn.ts';

/** Google's docs: "Resumption tokens are valid for 2 hours after the last session termination". */
const HANDLE_LIFETIME_MS = 2 * 60 * 60 * 1000;

/** The client's setup message: tokens, tools, a resumed or a new session. @internal */
export function onSetup(
  state: FakeLiveState,
  conn: Conn,
  clientSetup: Record<string, unknown>,
): void {
  let setup = clientSetup;
  if (conn.token !== undefined) {
    const resume =
      typeof (setup['sessionResumption'] as { handle?: unknown } | undefined)?.handle === 'string';
    const refused = state.authTokens.use(conn.token, resume);
    if (refused !== undefined) {
      violate(state, conn, 'ephemeral-token', refused);
      return;
    }
    // The setup the token locks wins over the page's (a page cannot change tools or model).
    const locked = state.authTokens.tokens.get(conn.token)?.setup;
    if (locked !== undefined) setup = { ...setup, ...locked };
  }
  conn.record.setup = setup;
  if (state.options.hangOnSetup === true) return;
  const model = setup['model'];
  if (typeof model !== 'string' || !model.startsWith('models/')) {
    violate(
      state,
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
    violate(state, conn, 'json', 'setup.tools is not a list of Tool objects');
    return;
  }
  for (const tool of tools as Record<string, unknown>[]) {
    for (const declaration of (tool['functionDeclarations'] as
      | Record<string, unknown>[]
      | undefined) ?? []) {
      if (declaration['parametersJsonSchema'] !== undefined) {
        violate(
          state,
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
    violate(
      state,
      conn,
      'transparent-resumption',
      'sessionResumption.transparent on the Gemini API',
    );
    return;
  }
  const handle = resumption?.handle;
  if (typeof handle === 'string' && handle !== '') {
    const snapshot = state.snapshots.get(handle);
    if (snapshot === undefined) {
      violate(state, conn, 'resume-handle', 'unknown session resumption handle');
      return;
    }
    const { session } = snapshot;
    if (
      session.sockets.size === 0 &&
      session.closedAt !== undefined &&
      state.now() - session.closedAt > HANDLE_LIFETIME_MS
    ) {
      violate(state, conn, 'resume-handle', 'the resumption handle expired');
      return;
    }
    if (state.refuseResumeWhileOpen && session.sockets.size > 0) {
      violate(state, conn, 'resume-while-open', 'a socket of this session is still open');
      return;
    }
    session.turnIndex = snapshot.turnIndex;
    session.pending = new Map(snapshot.pending);
    conn.session = session;
    conn.record.resumedHandle = handle;
  } else {
    state.sessionCount += 1;
    conn.session = {
      id: state.sessionCount,
      turnIndex: 0,
      pending: new Map(),
      sockets: new Set(),
      closedAt: undefined,
    };
  }
  conn.session.sockets.add(conn);
  const history = setup['historyConfig'] as { initialHistoryInClientContent?: unknown } | undefined;
  conn.awaitingHistory = history?.initialHistoryInClientContent === true;
  conn.record.sessionId = conn.session.id;
  send(conn, { setupComplete: {} });
  sendResumptionUpdate(state, conn);
  if (state.options.dropResumes === true && conn.record.resumedHandle !== undefined) {
    setImmediate(() => conn.ws.terminate());
  }
}
