import { describe, expect, it } from 'vitest';
import { type Connection, type Held, sendOn, takeConsumed } from './live-connection.ts';

/** A connection whose socket records what was sent. */
function connectionSending(): { connection: Connection; wire: string[] } {
  const wire: string[] = [];
  const connection: Connection = {
    socket: { send: (text: string) => wire.push(text) } as unknown as WebSocket,
    sent: [],
    sentBytes: 0,
    nextIndex: 0,
    ready: true,
    closedByUs: false,
    takenBefore: 0,
    readyAt: 0,
    heard: false,
    resumed: false,
    gone: Promise.resolve(),
    markGone: () => {},
    early: undefined,
  };
  return { connection, wire };
}

const text = (value: string): Held => ({ text: value, history: false });
const answer = (id: string): Held => ({ text: `answer ${id}`, history: false, callIds: [id] });

describe('what a resumption update says the server holds', () => {
  it('without an index: what came before the last turnComplete, and every background answer sent', () => {
    const { connection } = connectionSending();
    sendOn(connection, text('before'), 1000);
    connection.takenBefore = connection.nextIndex;
    sendOn(connection, answer('a'), 1000);
    sendOn(connection, text('after'), 1000);
    expect(takeConsumed(connection, { newHandle: 'h', resumable: true }, true)).toEqual(['a']);
    expect(connection.sent.map((sent) => sent.text)).toEqual(['after']);
    expect(connection.sentBytes).toBe('after'.length);
  });

  it('with lastConsumedClientMessageIndex: the index alone, an answer after it is kept', () => {
    const { connection } = connectionSending();
    sendOn(connection, answer('a'), 1000);
    sendOn(connection, answer('b'), 1000);
    const update = { newHandle: 'h', resumable: true, lastConsumedClientMessageIndex: '0' };
    expect(takeConsumed(connection, update, true)).toEqual(['a']);
    expect(connection.sent.map((sent) => sent.text)).toEqual(['answer b']);
  });

  it('an index that is no int64 (null, empty, a boolean, a list, a fraction) is no index (attack57)', () => {
    // A relay that writes absent fields as null (a Python one dumping a model without
    // exclude_none) sent `null`: Number(null) is 0, read as "message 0 consumed", so what came
    // after it and before the turnComplete was sent again on a resume (the model heard the user
    // twice) and a background answer the handle holds was sent again (the server refuses it).
    for (const index of [null, '', ' ', true, [], [1], 1.5, '1.5', '0x1', '1e2', -1, '-1']) {
      const { connection } = connectionSending();
      sendOn(connection, text('first'), 1000);
      sendOn(connection, text('second'), 1000);
      connection.takenBefore = connection.nextIndex;
      sendOn(connection, answer('a'), 1000);
      sendOn(connection, text('after'), 1000);
      const update = { newHandle: 'h', resumable: true, lastConsumedClientMessageIndex: index };
      expect(takeConsumed(connection, update, true), JSON.stringify(index)).toEqual(['a']);
      expect(
        connection.sent.map((sent) => sent.text),
        JSON.stringify(index),
      ).toEqual(['after']);
    }
  });

  it('an index as the number proto3 JSON may also write is read as the string is', () => {
    const { connection } = connectionSending();
    sendOn(connection, answer('a'), 1000);
    sendOn(connection, answer('b'), 1000);
    const update = { newHandle: 'h', resumable: true, lastConsumedClientMessageIndex: 0 };
    expect(takeConsumed(connection, update, true)).toEqual(['a']);
    expect(connection.sent.map((sent) => sent.text)).toEqual(['answer b']);
  });

  it('a handle that is not resumable holds nothing', () => {
    const { connection } = connectionSending();
    sendOn(connection, answer('a'), 1000);
    expect(takeConsumed(connection, { resumable: false }, false)).toEqual([]);
    expect(connection.sent).toHaveLength(1);
  });
});

describe('the resend buffer', () => {
  it('lets go of the oldest audio first, and refuses (sending nothing) when only text is left over', () => {
    const { connection, wire } = connectionSending();
    const audio = (n: number): Held => ({
      text: `audio-${n}`.padEnd(10),
      history: false,
      media: true,
    });
    expect(sendOn(connection, text('question'), 25)).toBe(true);
    expect(sendOn(connection, audio(1), 25)).toBe(true);
    expect(sendOn(connection, audio(2), 25)).toBe(true);
    expect(connection.sent.map((sent) => sent.text.trim())).toEqual(['question', 'audio-2']);
    expect(sendOn(connection, text('x'.repeat(25)), 25)).toBe(false);
    expect(wire).toHaveLength(3);
  });
});
