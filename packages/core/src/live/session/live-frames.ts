import type { LiveEvent } from '../live-event.ts';
import { LiveSessionError } from '../live-session-error.ts';

/**
 * `value` when it is a JSON object, else `undefined`: every field of a server frame is hostile
 * (a `null`, a number or an array where an object belongs must be skipped, not read, or the
 * socket's message handler would throw out of the session). @internal
 */
export function objectField(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * A server frame as a JSON object, or the {@link LiveSessionError} that ends the session: a
 * frame over `maxFrameBytes` (`frame-too-large`) or not a JSON object (`invalid-frame`).
 * @internal
 */
export function decodeLiveFrame(
  data: unknown,
  maxFrameBytes: number,
): Record<string, unknown> | LiveSessionError {
  const size =
    typeof data === 'string' ? data.length : data instanceof ArrayBuffer ? data.byteLength : 0;
  if (size > maxFrameBytes) {
    return new LiveSessionError({
      reason: 'frame-too-large',
      limit: maxFrameBytes,
      message: `The Live API sent a frame of ${size} bytes, more than maxFrameBytes (${maxFrameBytes}).`,
    });
  }
  try {
    // Google's server sends JSON in binary frames (@google/genai's handleWebSocketMessage reads
    // a Blob); the fake and proxies may send text.
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
    const frame = JSON.parse(text) as unknown;
    if (typeof frame === 'object' && frame !== null && !Array.isArray(frame))
      return frame as Record<string, unknown>;
  } catch {
    // reported below
  }
  return new LiveSessionError({
    reason: 'invalid-frame',
    message: 'The Live API sent a frame that is not a JSON object.',
  });
}

/**
 * What a `serverContent` frame says: its events in order, and whether it carried model parts,
 * an interruption or the turn's end (the session tracks whether a turn is in progress). @internal
 */
export type ContentEvents = {
  events: LiveEvent[];
  modelTurn: boolean;
  turnEnded: boolean;
};

/** The events of a `serverContent` frame (`LiveServerContent` of @google/genai). @internal */
export function contentEvents(content: Record<string, unknown>): ContentEvents {
  const events: LiveEvent[] = [];
  const parts = objectField(content['modelTurn'])?.['parts'];
  const modelTurn = Array.isArray(parts);
  if (modelTurn) {
    for (const item of parts as unknown[]) {
      const part = objectField(item);
      if (part === undefined) continue;
      if (typeof part['text'] === 'string') {
        events.push({
          type: part['thought'] === true ? 'thought-delta' : 'text-delta',
          text: part['text'],
        });
      }
      const inline = objectField(part['inlineData']);
      if (inline !== undefined && typeof inline['data'] === 'string') {
        events.push({
          type: 'audio',
          data: inline['data'],
          mimeType:
            typeof inline['mimeType'] === 'string' ? inline['mimeType'] : 'audio/pcm;rate=24000',
        });
      }
    }
  }
  for (const [key, type] of [
    ['inputTranscription', 'input-transcript'],
    ['outputTranscription', 'output-transcript'],
  ] as const) {
    const transcript = objectField(content[key]);
    if (transcript !== undefined && typeof transcript['text'] === 'string') {
      events.push({ type, text: transcript['text'], finished: transcript['finished'] === true });
    }
  }
  let turnEnded = false;
  if (content['interrupted'] === true) {
    turnEnded = true;
    events.push({ type: 'interrupted' });
  }
  if (content['turnComplete'] === true) {
    turnEnded = true;
    const reason = content['turnCompleteReason'];
    events.push({ type: 'turn-end', reason: typeof reason === 'string' ? reason : undefined });
  }
  return { events, modelTurn, turnEnded };
}
