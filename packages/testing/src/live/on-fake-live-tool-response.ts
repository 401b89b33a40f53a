import {
  type Conn,
  type FakeLiveState,
  idlessPending,
  isJsonObject,
  type Session,
  violate,
} from './fake-live-state.ts';
import { playTurn, sendResumptionUpdate, userTurn } from './play-fake-live-turn.ts';

/** The client's toolResponse: each id answered once, then the turn goes on. @internal */
export function onToolResponse(
  state: FakeLiveState,
  conn: Conn,
  toolResponse: Record<string, unknown>,
): void {
  const session = conn.session as Session;
  const responses = toolResponse['functionResponses'];
  if (!Array.isArray(responses) || responses.length === 0) {
    violate(state, conn, 'tool-response-id', 'toolResponse without functionResponses');
    return;
  }
  let answeredBlocking = false;
  let next: 'none' | 'idle' | 'interrupt' = 'none';
  if (!responses.every(isJsonObject)) {
    violate(state, conn, 'json', 'a function response is not a JSON object');
    return;
  }
  for (const response of responses as Record<string, unknown>[]) {
    const id = response['id'];
    const key = id === undefined ? idlessPending(session, response['name']) : id;
    if (id === undefined && key === undefined) {
      violate(
        state,
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
        state,
        conn,
        'tool-response-id',
        `function response id ${JSON.stringify(id)} matches no pending call`,
      );
      return;
    }
    if (response['name'] !== call.name) {
      violate(
        state,
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
    if (conn.blockingOutstanding.size === 0) void playTurn(state, conn);
    return;
  }
  if (next === 'interrupt') userTurn(state, conn);
  else if (next === 'idle') {
    if (conn.current === undefined) void playTurn(state, conn);
    else conn.idleTurns += 1;
  } else sendResumptionUpdate(state, conn);
}
