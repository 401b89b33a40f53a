import type { Agent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { copyOptions } from '../options/define-options.ts';
import type { LiveRecorder } from '../recorder/live-recorder-options.ts';
import { withoutCutKey } from '../shared/redact-secrets.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import { createArgumentRedactor } from '../tools/define/argument-redactor.ts';
import { type LiveSession, openLiveSession, prepareLiveSession } from './create-live-session.ts';
import type { LiveSessionOptions } from './live-session-options.ts';

/** Options of {@link recordLiveSession}: a live session's, and the recorder that writes it. */
export type RecordedLiveSessionOptions = LiveSessionOptions & {
  /** The recorder (`createLiveRecorder()` from `@gemloop/core/recorder`, Node only). */
  recorder: LiveRecorder;
};

/**
 * Opens a live session as {@link createLiveSession} does and records it with `recorder`, for
 * `gemloop view`: the session's events through its `onEvent` tap (yours is still called), and
 * what you send (text, and audio counted, never stored) through the session it returns. The
 * recording ends when the session does (`closed`), with its error when it failed. Tool calls'
 * secret arguments (`secretArguments`) are redacted as a run's recording redacts them, and the
 * client's key wherever the model wrote it.
 *
 * @example
 * const session = await recordLiveSession(agent, { recorder: createLiveRecorder(), model });
 * @throws as {@link createLiveSession}; {@link InvalidArgumentError} for a missing recorder.
 */
export async function recordLiveSession(
  agent: Agent<unknown>,
  options: RecordedLiveSessionOptions,
): Promise<LiveSession> {
  // One copy, each key read once: the recorder taken off, the rest checked as the session checks
  // them (prepareLiveSession) before anything is recorded, so a refused option throws
  // createLiveSession's error and writes nothing, and the header reads what the session got.
  const { recorder, ...sessionOptions } = copyOptions(
    options ?? ({} as RecordedLiveSessionOptions),
  );
  if (typeof recorder?.startSession !== 'function') {
    throw new InvalidArgumentError({
      argument: 'recorder',
      message:
        'recordLiveSession needs a recorder: createLiveRecorder() from @gemloop/core/recorder.',
    });
  }
  const prepared = prepareLiveSession(agent, sessionOptions, 'recordLiveSession');
  const { options: checked, agentOptions, client } = prepared;
  const redactor = createArgumentRedactor(agentOptions.tools ?? []);
  const recording = recorder.startSession({
    agentName: agentOptions.name,
    model: checked.model ?? agentOptions.model,
    modality: checked.modality,
    resumed: checked.resumeHandle !== undefined,
    startedAt: Date.now(),
    redactArgs: redactor === undefined ? undefined : (name, args) => redactor.args(name, args),
    // The key the model wrote (text, transcriptions, call arguments, tool output) stays out, and
    // so does a key's start where a turn's text stopped (turn end, interruption, the bound).
    redact: (value) =>
      withoutCutKeys(scrubSecrets(value, client.secrets.values), client.secrets.values),
  });
  const userOnEvent = checked.onEvent;
  let session: LiveSession;
  try {
    // The user's text is recorded as the session sends it: after the agent's input guardrails
    // (a rewrite that took a secret out is what is written; a blocked text is not).
    session = await openLiveSession(
      {
        ...prepared,
        options: {
          ...checked,
          onEvent: (event) => {
            recording.event(event);
            // Returned: the session logs an async tap's rejection (attack25).
            return userOnEvent?.(event);
          },
        },
      },
      (text) => recording.userText(text),
    );
  } catch (error) {
    recording.end(error);
    throw error;
  }
  session.closed.then(
    () => recording.end(),
    (error: unknown) => recording.end(error),
  );
  const sendAudio = session.sendAudio.bind(session);
  const endAudio = session.endAudio.bind(session);
  // The same session object, its audio senders counting what the user sent after sending it
  // (text is recorded as the session sends it: above).
  return Object.assign(session, {
    sendAudio(chunk: Uint8Array | string, mimeType?: string) {
      sendAudio(chunk, mimeType);
      recording.userAudio(
        typeof chunk === 'string' ? Math.floor((chunk.length * 3) / 4) : chunk.byteLength,
      );
    },
    endAudio() {
      endAudio();
      recording.userAudioEnd();
    },
  });
}

const TURN_TEXTS = ['text', 'thoughts', 'inputTranscript', 'outputTranscript'] as const;

/**
 * A recorded line with a key's start masked at the end of each of a turn's texts (see
 * `withoutCutKey`): a turn that ended or was interrupted mid-key, or a text cut at the
 * recorder's bound (then before its `…`), would keep the key's first characters. The doors'
 * hold-back masks such a start at a stream's end alike (`keyAt`). Other lines as they are.
 */
function withoutCutKeys<T>(line: T, secrets: readonly string[]): T {
  const turn = line as Record<string, unknown>;
  if (turn['type'] !== 'turn' || secrets.length === 0) return line;
  let out: Record<string, unknown> | undefined;
  for (const name of TURN_TEXTS) {
    const text = turn[name];
    if (typeof text !== 'string') continue;
    const cut = turn[`${name}Chars`] !== undefined && text.endsWith('…');
    const shown = cut
      ? `${withoutCutKey(text.slice(0, -1), secrets)}…`
      : withoutCutKey(text, secrets);
    if (shown === text) continue;
    out ??= { ...turn };
    out[name] = shown;
  }
  return (out ?? line) as T;
}
