import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { liveFixture } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import type { LiveSessionOptions } from './live-session-options.ts';

// Outside attacks on a live session's options (attack14). They were not checked at all: a
// misspelt `maxFrameByte` left the 16 MiB default without a word; `maxFrameBytes: NaN` or 'lots'
// turned the frame bound off (`size > NaN` is false), as `maxBufferedBytes: NaN` did the buffer
// bound; `connectTimeoutMs: NaN` became Node's 1 ms timer. Each is refused before any connection.

async function drain(
  session: AsyncIterable<LiveEvent>,
): Promise<{ events: LiveEvent[]; error: unknown }> {
  const events: LiveEvent[] = [];
  try {
    for await (const event of session) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

describe('createLiveSession options from outside', () => {
  it('a bound NaN no longer turns the frame bound off (the break itself)', async () => {
    const { fake, agent } = await liveFixture({ script: [[{ text: 'x'.repeat(5000) }]] });
    const opened = createLiveSession(agent, { maxFrameBytes: Number.NaN });
    await expect(opened).rejects.toThrow(InvalidArgumentError);
    await expect(opened).rejects.toThrow(/maxFrameBytes/);
    expect(fake.connections).toHaveLength(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['a misspelt maxFrameByte', { maxFrameByte: 1000 }, /maxFrameByte.*maxFrameBytes/s],
    ['a misspelt maxBufferedByte', { maxBufferedByte: 1000 }, /maxBufferedBytes/],
    ['maxFrameBytes "lots"', { maxFrameBytes: 'lots' }, /maxFrameBytes/],
    ['maxFrameBytes -1', { maxFrameBytes: -1 }, /maxFrameBytes/],
    ['maxFrameBytes Infinity', { maxFrameBytes: Number.POSITIVE_INFINITY }, /maxFrameBytes/],
    ['maxBufferedBytes NaN', { maxBufferedBytes: Number.NaN }, /maxBufferedBytes/],
    ['maxBufferedBytes "1000"', { maxBufferedBytes: '1000' }, /maxBufferedBytes/],
    ['maxReconnectAttempts NaN', { maxReconnectAttempts: Number.NaN }, /maxReconnectAttempts/],
    ['maxReconnectAttempts -1', { maxReconnectAttempts: -1 }, /maxReconnectAttempts/],
    ['connectTimeoutMs NaN', { connectTimeoutMs: Number.NaN }, /connectTimeoutMs/],
    ['connectTimeoutMs 0', { connectTimeoutMs: 0 }, /connectTimeoutMs/],
    ['connectTimeoutMs past a timer', { connectTimeoutMs: 2 ** 31 }, /connectTimeoutMs/],
    ['modality "Audio"', { modality: 'Audio' }, /modality/],
    ['transcripts "no"', { transcripts: 'no' }, /transcripts/],
    ['contextWindowTokens "128k"', { contextWindowTokens: '128k' }, /contextWindowTokens/],
    [
      'contextWindowCompression true',
      { contextWindowCompression: true },
      /contextWindowCompression/,
    ],
    [
      'contextWindowCompression with triggerTokens NaN',
      { contextWindowCompression: { triggerTokens: Number.NaN } },
      /contextWindowCompression/,
    ],
    ['onEvent not a function', { onEvent: 'log' }, /onEvent/],
    ['signal not a signal', { signal: {} }, /signal/],
    ['history not an array', { history: 'hi' }, /history/],
    ['null options', null, /createLiveSession/],
    ['options a string', 'gemini-live', /createLiveSession/],
  ])(
    '%s: an InvalidArgumentError naming it, no connection made',
    async (_label, options, named) => {
      const { fake, agent } = await liveFixture({ script: [[{ text: 'hi' }]] });
      const opened = createLiveSession(agent, options as LiveSessionOptions);
      await expect(opened).rejects.toThrow(InvalidArgumentError);
      await expect(opened).rejects.toThrow(named);
      expect(fake.connections).toHaveLength(0);
    },
  );

  it('good options still open a session that answers', async () => {
    const { agent } = await liveFixture({ script: [[{ text: 'hello' }]] });
    const session = await createLiveSession(agent, {
      maxFrameBytes: 100_000,
      maxBufferedBytes: 100_000,
      maxReconnectAttempts: 0,
      connectTimeoutMs: 60_000,
      contextWindowCompression: false,
      modality: 'text',
      transcripts: undefined,
    });
    session.sendText('hi');
    const iterator = session[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ type: 'text-delta', text: 'hello' });
    await session.close();
    await drain(session);
  });
});

// attack15: the options were checked and then read again (the session's bounds are read when it
// is made), so a getter that said 1000 to the check and NaN afterwards turned the frame bound off.
describe('createLiveSession with an option that changes between reads', () => {
  it('holds the value the check saw: a 5,000-character frame over 1000 ends the session', async () => {
    const { agent } = await liveFixture({ script: [[{ text: 'x'.repeat(5000) }]] });
    let reads = 0;
    const options = {};
    Object.defineProperty(options, 'maxFrameBytes', {
      enumerable: true,
      get: () => (reads++ === 0 ? 1000 : Number.NaN),
    });
    const session = await createLiveSession(agent, options);
    session.sendText('hi');
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: 'frame-too-large', limit: 1000 });
  });
});
