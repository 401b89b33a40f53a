import type { FakeLiveTurn } from '@gemloop/testing/live';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { createLiveToken } from './create-live-token.ts';
import type { LiveSessionError } from './live-session-error.ts';

// attack33: the Live session against a hostile server and a hostile caller, third pass (the
// earlier: create-live-session.attacks.test.ts, .attack25, .outside4).

/** The function responses the fake got on connection 0, flattened. */
function answered(fake: Parameters<typeof messagesOf>[0]): { id: string }[] {
  return messagesOf(fake, 0, 'toolResponse').flatMap(
    (message) =>
      (message['toolResponse'] as { functionResponses: { id: string }[] }).functionResponses,
  );
}

describe('a hostile Live server (attack33)', () => {
  it('a second setupComplete mid-session is no event and no failure: the turn goes on', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'a' }, { frame: { setupComplete: {} } }, { text: 'b' }]],
    });
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
    ]);
    expect(fake.errors).toEqual([]);
  });

  it('frames after a goAway: the session resumes, the turn is played again, each call answered once', async () => {
    const { fake, agent } = await liveFixture({
      script: [
        [
          { goAway: { timeLeftMs: 30_000 } },
          { text: 'after goAway' },
          { toolCalls: [{ id: 'g1', name: 'nope' }] },
        ],
        [{ text: 'answered' }],
      ],
    });
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'text-delta' && event.text === 'answered',
    );
    expect(events.some((event) => event.type === 'reconnect')).toBe(true);
    const ids = fake.connections.flatMap((_, index) =>
      messagesOf(fake, index, 'toolResponse').flatMap(
        (message) =>
          (message['toolResponse'] as { functionResponses: { id: string }[] }).functionResponses,
      ),
    );
    expect(ids.map((response) => response.id)).toEqual(['g1']);
    expect(fake.errors).toEqual([]);
  });

  it('10,000 tool calls in one frame: each answered once, in one toolResponse', async () => {
    const count = 10_000;
    const { fake, agent } = await liveFixture({
      script: [
        [
          {
            toolCalls: Array.from({ length: count }, (_, index) => ({
              id: `c${index}`,
              name: 'missing',
            })),
          },
        ],
        [{ text: 'done' }],
      ],
    });
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'text-delta' && event.text === 'done',
    );
    expect(events.filter((event) => event.type === 'tool-error').length).toBe(count);
    const ids = answered(fake).map((response) => response.id);
    expect(ids.length).toBe(count);
    expect(new Set(ids).size).toBe(count);
  });

  it('a 1 MB resumption handle is kept as the handle, and reaches no event', async () => {
    const handle = `h${'y'.repeat(1024 * 1024)}`;
    const { agent } = await liveFixture({
      script: [
        [
          { frame: { sessionResumptionUpdate: { newHandle: handle, resumable: true } } },
          { text: 'one' },
        ],
      ],
      resumptionUpdates: false,
    });
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events.some((event) => JSON.stringify(event).includes('yyyyyyyyyy'))).toBe(false);
    expect(session.handle).toBe(handle);
  });
  it('a close reason quoting the ephemeral token as the URL carries it (percent-encoded) is redacted', async () => {
    // A proxy in front of the Live API that echoes the request's query in its close reason: the
    // token is in it as liveUrl sends it, `auth_tokens%2F...` (the fake never does this).
    const script: FakeLiveTurn[] = [];
    const { fake } = await liveFixture({ script, apiKey: 'server-key-0123456789' });
    const serverAgent = createAgent({
      gemini: createGemini({ apiKey: 'server-key-0123456789', baseUrl: fake.url }),
      model: 'gemini-live-test',
    });
    const token = await createLiveToken(serverAgent, {});
    const secret = token.name.slice('auth_tokens/'.length);
    script.push([
      { text: 'a' },
      { close: { code: 4003, reason: `denied ${encodeURIComponent(token.name)} here` } },
    ]);
    const pageAgent = createAgent({
      gemini: createGemini({ apiKey: token.name, baseUrl: fake.url }),
      model: 'gemini-live-test',
    });
    const session = await createLiveSession(pageAgent);
    session.sendText('hi');
    let thrown: unknown;
    try {
      for await (const _event of session) {
        // read to the end
      }
    } catch (error) {
      thrown = error;
    }
    const error = thrown as LiveSessionError;
    expect(error).toMatchObject({ closeCode: 4003 });
    const shown = `${error.message} ${error.closeReason} ${JSON.stringify(error.toJSON())}`;
    expect(shown).toContain('denied ');
    expect(shown).not.toContain(secret);
  });
  it('server audio of odd sizes, broken base64 or no string: passed on as sent or skipped, never decoded or thrown', async () => {
    const { fake, agent } = await liveFixture({
      script: [
        [
          { audio: 'AAE' },
          { audio: 'not base64!' },
          {
            frame: {
              serverContent: {
                modelTurn: { parts: [{ inlineData: { data: 42 } }, { inlineData: null }] },
              },
            },
          },
          { audio: 'AQID', mimeType: 'audio/pcm;rate=24000' },
        ],
      ],
    });
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events.flatMap((event) => (event.type === 'audio' ? [event.data] : []))).toEqual([
      'AAE',
      'not base64!',
      'AQID',
    ]);
    expect(fake.errors).toEqual([]);
  });
});

describe('a hostile Live caller (attack33)', () => {
  it('sendAudio of text that is not base64 is refused at the call, naming the chunk; nothing sent', async () => {
    const { fake, agent } = await liveFixture({ script: [[{ text: 'ok' }]] });
    await using session = await createLiveSession(agent);
    for (const chunk of ['not base64!', 'ab$d', '====', 'Q', 'ab=c']) {
      let thrown: unknown;
      try {
        session.sendAudio(chunk);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown), chunk).toBe(true);
      expect(thrown).toMatchObject({ argument: 'chunk' });
      expect((thrown as Error).message).not.toContain(chunk);
    }
    // Standard and URL-safe base64, padded or not, as the proto3 JSON mapping of bytes takes.
    for (const chunk of ['AAEC', 'AAE=', 'AAE', '-_8A', '']) session.sendAudio(chunk);
    session.sendText('hi');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
    const audio = messagesOf(fake, 0, 'realtimeInput')
      .map((message) => (message['realtimeInput'] as { audio?: { data: string } }).audio?.data)
      .filter((data) => data !== undefined);
    expect(audio).toEqual(['AAEC', 'AAE=', 'AAE', '-_8A', '']);
    expect(fake.errors).toEqual([]);
  });
});
