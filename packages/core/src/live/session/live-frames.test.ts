import { describe, expect, it } from 'vitest';
import { LiveSessionError } from '../live-session-error.ts';
import { contentEvents, decodeLiveFrame, objectField } from './live-frames.ts';

const encode = (text: string): ArrayBuffer => {
  const bytes = new TextEncoder().encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

describe('objectField', () => {
  it('keeps JSON objects only (null, arrays, strings and numbers are skipped)', () => {
    expect(objectField({ a: 1 })).toEqual({ a: 1 });
    for (const value of [null, undefined, [], [1], 'text', 42, true]) {
      expect(objectField(value)).toBeUndefined();
    }
  });
});

describe('decodeLiveFrame', () => {
  it('reads a text frame and a binary frame (Google sends JSON in binary frames)', () => {
    const frame = { serverContent: { turnComplete: true, note: 'é 😀' } };
    expect(decodeLiveFrame(JSON.stringify(frame), 1024)).toEqual(frame);
    expect(decodeLiveFrame(encode(JSON.stringify(frame)), 1024)).toEqual(frame);
  });

  it('refuses a frame over maxFrameBytes before parsing it, naming the size and the limit', () => {
    const text = JSON.stringify({ pad: 'x'.repeat(200) });
    for (const data of [text, encode(text)]) {
      const error = decodeLiveFrame(data, 100);
      expect(LiveSessionError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'frame-too-large', limit: 100 });
      expect((error as Error).message).toContain(`${text.length} bytes`);
    }
    // At the bound exactly, read.
    expect(decodeLiveFrame(text, text.length)).toEqual({ pad: 'x'.repeat(200) });
  });

  it('ends the session with invalid-frame for JSON that is not an object, or no JSON at all', () => {
    const bad = [
      'not json',
      '',
      'null',
      '[]',
      '[{"serverContent":{}}]',
      '"text"',
      '42',
      '{"a":1',
      encode('\u0000'),
      new Uint8Array([0xff, 0xfe, 0x7b]).buffer,
      42,
      null,
      { already: 'an object' },
    ];
    for (const data of bad) {
      const error = decodeLiveFrame(data, 1024);
      expect(LiveSessionError.isInstance(error), JSON.stringify(data)).toBe(true);
      expect((error as LiveSessionError).reason).toBe('invalid-frame');
    }
  });

  it('keeps a __proto__ key as data, never as the frame prototype', () => {
    const frame = decodeLiveFrame('{"__proto__":{"setupComplete":{}},"x":1}', 1024);
    expect(Object.getPrototypeOf(frame)).toBe(Object.prototype);
    expect((frame as Record<string, unknown>)['setupComplete']).toBeUndefined();
  });
});

describe('contentEvents', () => {
  it('turns model parts into text, thought and audio events in order', () => {
    const { events, modelTurn, turnEnded } = contentEvents({
      modelTurn: {
        parts: [
          { text: 'thinking', thought: true },
          { text: 'Hello' },
          { inlineData: { data: 'AAAA', mimeType: 'audio/pcm;rate=16000' } },
          { inlineData: { data: 'BBBB' } },
        ],
      },
    });
    expect(events).toEqual([
      { type: 'thought-delta', text: 'thinking' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'audio', data: 'AAAA', mimeType: 'audio/pcm;rate=16000' },
      { type: 'audio', data: 'BBBB', mimeType: 'audio/pcm;rate=24000' },
    ]);
    expect(modelTurn).toBe(true);
    expect(turnEnded).toBe(false);
  });

  it('skips hostile parts and fields instead of throwing out of the socket handler', () => {
    const { events, modelTurn } = contentEvents({
      modelTurn: {
        parts: [
          null,
          42,
          [],
          { text: 42 },
          { text: 'kept', thought: 'yes' },
          { inlineData: null },
          { inlineData: { data: 7 } },
          { inlineData: { data: 'CCCC', mimeType: 9 } },
        ],
      },
      inputTranscription: 'not an object',
      outputTranscription: { text: null },
      interrupted: 'true',
      turnComplete: 1,
    });
    expect(events).toEqual([
      { type: 'text-delta', text: 'kept' },
      { type: 'audio', data: 'CCCC', mimeType: 'audio/pcm;rate=24000' },
    ]);
    expect(modelTurn).toBe(true);
  });

  it('is no model turn when parts is missing or not a list', () => {
    for (const modelTurn of [
      undefined,
      null,
      {},
      { parts: 'x' },
      { parts: { 0: { text: 'a' } } },
    ]) {
      expect(contentEvents({ modelTurn })).toEqual({
        events: [],
        modelTurn: false,
        turnEnded: false,
      });
    }
  });

  it('reports transcripts, an interruption and the turn end with its reason', () => {
    const { events, turnEnded } = contentEvents({
      inputTranscription: { text: 'hi', finished: true },
      outputTranscription: { text: 'hello' },
      interrupted: true,
      turnComplete: true,
      turnCompleteReason: 'NEED_MORE_INPUT',
    });
    expect(events).toEqual([
      { type: 'input-transcript', text: 'hi', finished: true },
      { type: 'output-transcript', text: 'hello', finished: false },
      { type: 'interrupted' },
      { type: 'turn-end', reason: 'NEED_MORE_INPUT' },
    ]);
    expect(turnEnded).toBe(true);
    expect(contentEvents({ turnComplete: true, turnCompleteReason: 5 }).events).toEqual([
      { type: 'turn-end', reason: undefined },
    ]);
  });

  it("passes surrogate pairs and empty texts through as sent (a split emoji is the server's)", () => {
    const { events } = contentEvents({
      modelTurn: { parts: [{ text: '\ud83d' }, { text: '\ude00' }, { text: '' }] },
    });
    expect(events.map((event) => ('text' in event ? event.text : ''))).toEqual([
      '\ud83d',
      '\ude00',
      '',
    ]);
  });
});
