import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { isBase64 } from '../history/part-fields.ts';
import type { AsyncDispose } from '../shared/async-dispose.ts';
import { bytesToBase64 } from '../shared/bytes-to-base64.ts';
import type { LiveEvent } from './live-event.ts';
import type { LiveInputGate } from './session/live-input-gate.ts';

/**
 * A live session of an agent: iterate it for {@link LiveEvent}s (one loop at a time: a loop that
 * ends with `break` lets the next read on from there), send text and
 * audio, close it. It survives the server's connection limit: on `goAway` or a dropped socket it
 * resumes on a new connection with its last resumption handle.
 */
export type LiveSession = AsyncIterable<LiveEvent> & {
  /** The last resumable handle the server sent: pass it as `resumeHandle` to resume later. */
  readonly handle: string | undefined;
  /** Sends user text (`realtimeInput.text`), which ends the user's turn. */
  sendText(text: string): void;
  /**
   * Sends a chunk of microphone audio (`realtimeInput.audio`): raw 16-bit little-endian PCM
   * bytes or base64 (standard or URL-safe, padded or not; text that is not base64 throws an
   * `InvalidArgumentError` naming `chunk`). @param mimeType @defaultValue 'audio/pcm;rate=16000'
   */
  sendAudio(chunk: Uint8Array | string, mimeType?: string): void;
  /** The microphone stopped (`realtimeInput.audioStreamEnd`): the server ends the user's turn. */
  endAudio(): void;
  /** Aborts running tools, closes the socket and ends the events. Idempotent. */
  close(): Promise<void>;
  /** Resolves when the session ended by `close()`; rejects with a {@link LiveSessionError}. */
  readonly closed: Promise<void>;
  /** `close()`, for `await using session = await createLiveSession(...)`. */
  [Symbol.asyncDispose]: AsyncDispose;
};

/** What the public face of a session is made of. @internal */
export type LiveSessionParts = {
  handle: () => string | undefined;
  input: LiveInputGate;
  close: () => Promise<void>;
  closed: Promise<void>;
  events: () => AsyncIterator<LiveEvent>;
};

/** The {@link LiveSession} a caller gets: arguments checked, sends in order. @internal */
export function liveSessionApi(parts: LiveSessionParts): LiveSession {
  const { input } = parts;
  const api = {
    get handle() {
      return parts.handle();
    },
    sendText: (text: string) => {
      if (typeof text !== 'string' || text === '') {
        throw new InvalidArgumentError({
          argument: 'text',
          message: 'sendText takes a non-empty string.',
        });
      }
      input.sendText(text);
    },
    sendAudio: (chunk: Uint8Array | string, mimeType = 'audio/pcm;rate=16000') => {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        throw new InvalidArgumentError({
          argument: 'chunk',
          message: 'sendAudio takes 16-bit PCM bytes (a Uint8Array) or their base64 text.',
        });
      }
      // The server answers a mimeType that is no text by ending the session (1007), long after
      // the call that sent it (attack25).
      if (typeof mimeType !== 'string' || mimeType === '') {
        throw new InvalidArgumentError({
          argument: 'mimeType',
          message: `sendAudio's mimeType must be a non-empty string such as 'audio/pcm;rate=16000'.`,
        });
      }
      // Text that is not base64 is no audio: the server cannot read the frame's `bytes` field
      // (proto3 JSON takes standard or URL-safe base64, padded or not) and ends the whole session
      // long after this call; refused here, by name, without quoting it (attack33).
      if (typeof chunk === 'string' && !isBase64(chunk)) {
        throw new InvalidArgumentError({
          argument: 'chunk',
          message: `sendAudio's chunk text is not base64 (${chunk.length} characters): pass the PCM bytes as a Uint8Array, or their base64.`,
        });
      }
      const data = typeof chunk === 'string' ? chunk : bytesToBase64(chunk);
      input.sendInOrder({ realtimeInput: { audio: { data, mimeType } } });
    },
    endAudio: () => input.sendInOrder({ realtimeInput: { audioStreamEnd: true } }),
    close: () => parts.close(),
    closed: parts.closed,
    [Symbol.asyncIterator]: () => parts.events(),
  } as LiveSession;
  if (typeof Symbol.asyncDispose === 'symbol') {
    (api as { [Symbol.asyncDispose]: () => Promise<void> })[Symbol.asyncDispose] = () =>
      parts.close();
  }
  return api;
}
