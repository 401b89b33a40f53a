import { type Conn, type FakeLiveState, isJsonObject, violate } from './fake-live-state.ts';
import { onSetup } from './on-fake-live-setup.ts';
import { onToolResponse } from './on-fake-live-tool-response.ts';
import { userTurn } from './play-fake-live-turn.ts';

/** The members of a LiveClientMessage (https://ai.google.dev/api/live), each a message itself. */
const MESSAGE_MEMBERS = ['setup', 'clientContent', 'realtimeInput', 'toolResponse'] as const;

/** One client message (a LiveClientMessage), checked against the contract. @internal */
export function onMessage(
  state: FakeLiveState,
  conn: Conn,
  message: Record<string, unknown>,
): void {
  // Each member of the message is a message of its own (LiveClientMessage): a client's null,
  // string or list there is refused, never read into (a TypeError in a socket listener would
  // escape the server).
  const malformed = MESSAGE_MEMBERS.find(
    (key) => message[key] !== undefined && !isJsonObject(message[key]),
  );
  if (malformed !== undefined) {
    violate(state, conn, 'json', `${malformed} is not a JSON object`);
    return;
  }
  if (conn.record.setup === undefined) {
    if (message['setup'] === undefined) {
      violate(
        state,
        conn,
        'setup-first',
        `the first message was ${Object.keys(message).join(', ')}`,
      );
      return;
    }
    onSetup(state, conn, message['setup'] as Record<string, unknown>);
    return;
  }
  if (message['setup'] !== undefined) {
    violate(state, conn, 'setup-once', 'a second setup message');
    return;
  }
  const kinds = ['clientContent', 'realtimeInput', 'toolResponse'].filter(
    (key) => message[key] !== undefined,
  );
  if (kinds.length !== 1) {
    violate(
      state,
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
    if (clientContent['turnComplete'] === true) userTurn(state, conn);
    return;
  }
  const realtime = message['realtimeInput'] as Record<string, unknown> | undefined;
  if (realtime !== undefined && conn.awaitingHistory) {
    violate(
      state,
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
        state,
        conn,
        'activity-signals',
        'activityStart/activityEnd with automatic activity detection on',
      );
      return;
    }
    if (!automatic && realtime['audioStreamEnd'] !== undefined) {
      violate(
        state,
        conn,
        'audio-stream-end',
        'audioStreamEnd with automatic activity detection off',
      );
      return;
    }
    if (
      typeof realtime['text'] === 'string' ||
      realtime['audioStreamEnd'] === true ||
      realtime['activityEnd'] !== undefined
    ) {
      userTurn(state, conn);
    }
    return;
  }
  onToolResponse(state, conn, message['toolResponse'] as Record<string, unknown>);
}
