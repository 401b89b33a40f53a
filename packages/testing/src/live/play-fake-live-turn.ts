import type { FakeLiveStep, FakeLiveTurn } from './fake-live-script.ts';
import { type Conn, type FakeLiveState, type Session, send, violate } from './fake-live-state.ts';

/** Sends a new resumption handle when the session is at rest (no turn, no blocking call). @internal */
export function sendResumptionUpdate(state: FakeLiveState, conn: Conn): void {
  const config = conn.record.setup?.['sessionResumption'];
  const session = conn.session;
  if (!state.resumptionUpdates || config === undefined || session === undefined) return;
  if (conn.current !== undefined || conn.blockingOutstanding.size > 0) return;
  const newHandle = `fake-handle-${state.handles.length + 1}`;
  state.handles.push(newHandle);
  state.snapshots.set(newHandle, {
    session,
    turnIndex: session.turnIndex,
    pending: [...session.pending].filter(([, call]) => !call.blocking),
  });
  send(conn, { sessionResumptionUpdate: { newHandle, resumable: true } });
}

/** The client's turn: interrupts a turn being played, then plays the next. @internal */
export function userTurn(state: FakeLiveState, conn: Conn): void {
  if (conn.current !== undefined) {
    // LiveServerContent.interrupted: "a client message has interrupted current model generation".
    conn.current = undefined;
    const waiter = conn.interruptWaiter;
    conn.interruptWaiter = undefined;
    waiter?.();
    send(conn, { serverContent: { interrupted: true } });
  }
  void playTurn(state, conn);
}

/** Plays the session's next scripted turn, step by step. @internal */
export async function playTurn(state: FakeLiveState, conn: Conn): Promise<void> {
  const session = conn.session as Session;
  const turn: FakeLiveTurn | undefined = state.script[session.turnIndex];
  if (turn === undefined) {
    violate(state, conn, 'script', `the script has no turn ${session.turnIndex + 1}`);
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
    const outcome = await playStep(state, conn, session, step);
    if (conn.current !== token) return;
    if (outcome === 'wait') {
      waiting = true;
      break;
    }
  }
  conn.current = undefined;
  if (!waiting) {
    send(conn, { serverContent: { turnComplete: true } });
    sendResumptionUpdate(state, conn);
  }
  if (conn.idleTurns > 0 && conn.blockingOutstanding.size === 0) {
    conn.idleTurns -= 1;
    await playTurn(state, conn);
  }
}

/** Plays one step of a turn: `'wait'` when the turn stops for the client. @internal */
export async function playStep(
  state: FakeLiveState,
  conn: Conn,
  session: Session,
  step: FakeLiveStep,
): Promise<'go' | 'wait'> {
  // A drop or a goAway is the network's or the server's, not the model's: a turn replayed
  // after a resume plays without it.
  if ('drop' in step || 'goAway' in step || 'close' in step) {
    if (state.fired.has(step)) return 'go';
    state.fired.add(step);
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
      state.callCount += 1;
      const idless = call.id === null;
      // An id-less call is kept under a key of the fake's own (a NUL no id the script gives has).
      const id = idless
        ? `\u0000idless-${state.callCount}`
        : (call.id ?? `call-${state.callCount}`);
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
