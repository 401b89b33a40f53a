import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import { LiveSessionError } from './live-session-error.ts';

/** Reads every event until the session ends, and returns them with the error it ended with. */
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

describe('a hostile or broken Live server', () => {
  it('a frame over maxFrameBytes ends the session with frame-too-large', async () => {
    const { agent } = await liveFixture({ script: [[{ text: 'x'.repeat(5000) }]] });
    const session = await createLiveSession(agent, { maxFrameBytes: 1000 });
    session.sendText('hi');
    const { events, error } = await drain(session);
    expect(events).toEqual([]);
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'frame-too-large', limit: 1000 });
  });

  it('endless audio nobody reads ends the session with buffer-full, memory bounded', async () => {
    const chunk = Buffer.alloc(3000).toString('base64');
    const { agent } = await liveFixture({
      script: [Array.from({ length: 50 }, () => ({ audio: chunk }))],
    });
    const session = await createLiveSession(agent, { modality: 'audio', maxBufferedBytes: 20_000 });
    session.sendText('talk');
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: 'buffer-full', limit: 20_000 });
    // What was queued within the limit is still read, then the error.
    const { events, error: thrown } = await drain(session);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(50);
    expect(thrown).toBe(error);
  });

  it('fields of the wrong shape (null, numbers, arrays) are skipped, never thrown from the socket handler', async () => {
    const { fake, agent } = await liveFixture({
      script: [
        [
          { frame: { serverContent: null } },
          { frame: { serverContent: { modelTurn: { parts: [null, 7, 'x', { text: 'kept' }] } } } },
          { frame: { serverContent: { inputTranscription: null, outputTranscription: 5 } } },
          { frame: { toolCall: { functionCalls: [null, 3, 'call'] } } },
          { frame: { toolCall: null, toolCallCancellation: null, usageMetadata: 'lots' } },
          { frame: { sessionResumptionUpdate: null } },
          { frame: { sessionResumptionUpdate: ['fake-handle-x'] } },
          { text: ' and the rest' },
        ],
      ],
    });
    await using session = await createLiveSession(agent);
    const handle = session.handle;
    session.sendText('hi');
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'kept' },
      { type: 'text-delta', text: ' and the rest' },
    ]);
    // A call that is not an object is no call: nothing to run or answer.
    expect(events.filter((event) => event.type.startsWith('tool-'))).toEqual([]);
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([]);
    // A resumption update of the wrong shape keeps the handle the session had.
    expect(session.handle).not.toBe('fake-handle-x');
    expect(handle).toBeDefined();
  });

  it('a frame that is not a JSON object ends the session with invalid-frame', async () => {
    const { agent } = await liveFixture({ script: [[{ frame: 'not json' }]] });
    const session = await createLiveSession(agent);
    session.sendText('hi');
    const { error } = await drain(session);
    expect(error).toMatchObject({ reason: 'invalid-frame' });
  });

  it('ignores a cancellation of ids it never saw, and answers a call without a name as an unknown tool', async () => {
    const { fake, agent } = await liveFixture({
      script: [
        [
          { cancelToolCalls: ['ghost'] },
          { frame: { toolCall: { functionCalls: [{ id: 'x1', args: {} }] } } },
        ],
      ],
    });
    await using session = await createLiveSession(agent);
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'tool-error',
    );
    expect(events.at(-1)).toMatchObject({
      type: 'tool-error',
      toolCallId: 'x1',
      outcome: 'unknown-tool',
    });
    expect(fake.errors).toEqual([]);
  });

  it('a toolCall of 300 calls runs at most toolConcurrency tools at once, and answers every call once', async () => {
    let running = 0;
    let most = 0;
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes.',
      execute: async (_args, { toolCallId }) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return { id: toolCallId };
      },
    });
    const calls = Array.from({ length: 300 }, (_, index) => ({ name: 'echo', id: `c${index}` }));
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: calls }], [{ text: 'all answered' }]] },
      { tools: [echo], toolConcurrency: 4 },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'text-delta',
    );
    expect(most).toBe(4);
    expect(events.filter((event) => event.type === 'tool-result')).toHaveLength(300);
    const [answer] = messagesOf(fake, 0, 'toolResponse') as {
      toolResponse: { functionResponses: { id: string }[] };
    }[];
    expect(
      new Set(answer?.toolResponse.functionResponses.map((response) => response.id)).size,
    ).toBe(300);
    expect(fake.errors).toEqual([]);
  });

  it('a second call with the id of one still running is not run: the id is answered once', async () => {
    let runs = 0;
    const once = defineTool({
      name: 'once',
      description: 'Counts its runs.',
      execute: () => {
        runs += 1;
        return { runs };
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            {
              toolCalls: [
                { name: 'once', id: 'dup' },
                { name: 'once', id: 'dup' },
              ],
            },
          ],
          [{ text: 'answered' }],
        ],
      },
      { tools: [once] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'text-delta',
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'tool-error', toolCallId: 'dup', outcome: 'error' }),
    );
    expect(runs).toBe(1);
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([
      { toolResponse: { functionResponses: [{ id: 'dup', name: 'once', response: { runs: 1 } }] } },
    ]);
    expect(fake.errors).toEqual([]);
  });

  it('id-less calls of two frames are both run and answered, each answer without an id', async () => {
    // The Gemini API sends ids; Vertex may not: FunctionCall.id is "Optional" and js-genai's
    // Session.tLiveClienttToolResponse (googleapis/js-genai src/live.ts) demands a response id
    // only off Vertex. A local key per frame index made the second frame's call look like the
    // first one still running: never run, never answered. Raw frames: calls the fake did not
    // script are not pending in it, so it refuses their answers, closing after them (both leave
    // in one macrotask once the gate opens, so both are recorded before that close lands).
    // create-live-session.idless-calls.test.ts plays id-less calls from the fake's script.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = defineTool({
      name: 'held',
      description: 'Waits for the test.',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        await gate;
        return { n };
      },
    });
    const call = (n: number) => ({
      frame: { toolCall: { functionCalls: [{ name: 'held', args: { n } }] } },
    });
    const { fake, agent } = await liveFixture({ script: [[call(1), call(2)]] }, { tools: [held] });
    await using session = await createLiveSession(agent);
    session.sendText('go');
    const iterator = session[Symbol.asyncIterator]();
    const calls = [
      ...(await readUntil(iterator, (event) => event.type === 'tool-call')),
      ...(await readUntil(
        iterator,
        (event) => event.type === 'tool-call' || event.type === 'tool-error',
      )),
    ].filter((event) => event.type === 'tool-call' || event.type === 'tool-error');
    release();
    const ids = calls.map((event) => (event as { toolCallId: string }).toolCallId);
    expect(calls.map((event) => event.type)).toEqual(['tool-call', 'tool-call']);
    expect(new Set(ids).size).toBe(2);
    let results = 0;
    const done = await readUntil(
      iterator,
      (event) => event.type === 'tool-error' || (event.type === 'tool-result' && ++results === 2),
    );
    expect(done.filter((event) => event.type === 'tool-result')).toEqual([
      expect.objectContaining({ toolCallId: ids[0], output: { n: 1 } }),
      expect.objectContaining({ toolCallId: ids[1], output: { n: 2 } }),
    ]);
    // The server sent no id, so none goes back: the local key stays local.
    await vi.waitFor(() => expect(messagesOf(fake, 0, 'toolResponse')).toHaveLength(2), {
      timeout: 30_000,
    });
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([
      { toolResponse: { functionResponses: [{ name: 'held', response: { n: 1 } }] } },
      { toolResponse: { functionResponses: [{ name: 'held', response: { n: 2 } }] } },
    ]);
  });

  it('an id-less call after a running call whose server id looks like a local key still runs', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // In the background: the server's turn goes on (its second call) while the first runs, as a
    // real server's does only past a NON_BLOCKING call (a blocking one ends the model's turn).
    // SILENT: the answers start no model turn the script would need.
    const held = defineTool({
      name: 'held',
      description: 'Waits for the test.',
      parameters: z.object({ n: z.number() }),
      behavior: 'NON_BLOCKING',
      scheduling: 'SILENT',
      execute: async ({ n }) => {
        await gate;
        return { n };
      },
    });
    // `toolCalls` steps, so the fake expects both calls: it checks each answer against them
    // (a call it never sent would be answered with a 1007 close).
    const { agent, fake } = await liveFixture(
      {
        script: [
          [
            { toolCalls: [{ id: 'live-call-0', name: 'held', args: { n: 1 } }] },
            { toolCalls: [{ id: null, name: 'held', args: { n: 2 } }] },
          ],
        ],
      },
      { tools: [held] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    const iterator = session[Symbol.asyncIterator]();
    await readUntil(iterator, (event) => event.type === 'tool-call');
    const second = await readUntil(
      iterator,
      (event) => event.type === 'tool-call' || event.type === 'tool-error',
    );
    release();
    expect(second.at(-1)).toMatchObject({ type: 'tool-call', toolCallId: 'live-call-1' });
    let results = 0;
    const done = await readUntil(
      iterator,
      (event) => event.type === 'tool-error' || (event.type === 'tool-result' && ++results === 2),
    );
    // By id: the two calls run at once, and their results come as each settles.
    const answered = done.flatMap((event) => (event.type === 'tool-result' ? [event] : []));
    expect(answered.toSorted((a, b) => a.toolCallId.localeCompare(b.toolCallId))).toEqual([
      expect.objectContaining({ toolCallId: 'live-call-0', output: { n: 1 } }),
      expect.objectContaining({ toolCallId: 'live-call-1', output: { n: 2 } }),
    ]);
    // The server took both answers: the server id's with it, the id-less call's without one
    // (its local key never goes on the wire), and nothing broke a rule of the protocol.
    // The fake reads them on its own socket: waited for (the limit a hang guard, not a margin).
    await vi.waitFor(() => expect(messagesOf(fake, 0, 'toolResponse')).toHaveLength(2), {
      timeout: 30_000,
    });
    const responses = messagesOf(fake, 0, 'toolResponse').flatMap(
      (message) =>
        (message['toolResponse'] as { functionResponses: Record<string, unknown>[] })
          .functionResponses,
    );
    expect(responses.map((response) => response['id'] ?? null).toSorted()).toEqual([
      'live-call-0',
      null,
    ]);
    expect(fake.errors).toEqual([]);
    expect(fake.connections[0]?.open).toBe(true);
  });

  it('a goAway whose handle never comes: the server closes at the deadline and the session fails, no hang', async () => {
    const { agent } = await liveFixture({
      script: [[{ text: 'one' }, { goAway: { timeLeftMs: 50 } }]],
      resumptionUpdates: false,
    });
    const session = await createLiveSession(agent);
    session.sendText('hi');
    const { events, error } = await drain(session);
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'turn-end']);
    expect(error).toMatchObject({ reason: 'no-resumption-handle', closeCode: 1001 });
  });

  it('a server that refuses every resume fails the session after maxReconnectAttempts', async () => {
    const { fake, agent } = await liveFixture({ script: [[{ text: 'one' }], [{ drop: true }]] });
    const session = await createLiveSession(agent, { maxReconnectAttempts: 2 });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    // Every later connection is refused: the fake's server is gone once the socket drops.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const gone = fake.close();
    session.sendText('second');
    await gone;
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: 'reconnect-failed', limit: 2 });
    expect((error as Error).message).not.toContain('test-key');
  });

  it('a server whose resumes never last: the session fails after maxReconnectAttempts, never a reconnect loop', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'one' }], [{ drop: true }]],
      dropResumes: true,
    });
    const session = await createLiveSession(agent, { maxReconnectAttempts: 3 });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    session.sendText('second');
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: 'reconnect-failed', limit: 3 });
    expect((error as Error).message).not.toContain('test-key');
    // The first connection, then three resumes that each dropped before the server said anything.
    expect(fake.connections).toHaveLength(4);
  });

  it('endless microphone audio between two resumption updates keeps a bounded resend buffer', async () => {
    const { fake, agent } = await liveFixture({ script: [[{ text: 'one' }]] });
    await using session = await createLiveSession(agent, {
      modality: 'audio',
      maxBufferedBytes: 20_000,
    });
    const chunk = new Uint8Array(1500);
    for (let index = 0; index < 200; index += 1) session.sendAudio(chunk);
    await expect.poll(() => fake.connections[0]?.messages.length, { timeout: 60_000 }).toBe(200);
    fake.dropAll();
    const iterator = session[Symbol.asyncIterator]();
    await readUntil(iterator, (event) => event.type === 'reconnect');
    // Only what fits in maxBufferedBytes is sent again, the newest; the rest of the 200 is let go.
    await expect
      .poll(() => fake.connections[1]?.messages.length ?? 0, { timeout: 60_000 })
      .toBeGreaterThan(0);
    const resent = fake.connections[1]?.messages.length ?? 0;
    expect(resent).toBeLessThanOrEqual(10);
  });

  it('endless audio lets go of old audio only: a text no handle holds yet is sent again after a drop', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'one' }], [{ text: 'two' }, { awaitInterruption: true }]],
    });
    await using session = await createLiveSession(agent, {
      modality: 'audio',
      maxBufferedBytes: 20_000,
    });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    // The handle after "one" holds "first". "second" starts a turn that does not end (no handle
    // holds it), and a flood of audio follows it, far more than maxBufferedBytes.
    session.sendText('second');
    await readUntil(iterator, (event) => event.type === 'text-delta');
    const chunk = new Uint8Array(1500);
    for (let index = 0; index < 200; index += 1) session.sendAudio(chunk);
    await expect.poll(() => fake.connections[0]?.messages.length, { timeout: 60_000 }).toBe(202);
    fake.dropAll();
    await readUntil(iterator, (event) => event.type === 'reconnect');
    // "second" is sent again (the resumed model answers it again), with the newest audio only.
    const replayed = await readUntil(iterator, (event) => event.type === 'text-delta');
    expect(replayed.at(-1)).toMatchObject({ text: 'two' });
    const resent = fake.connections[1]?.messages ?? [];
    expect(resent[0]).toEqual({ realtimeInput: { text: 'second' } });
    expect(resent.length).toBeLessThanOrEqual(12);
    expect(fake.errors).toEqual([]);
  });

  it('more unconfirmed text than maxBufferedBytes ends the session with buffer-full, never a silent loss', async () => {
    const { fake, agent } = await liveFixture({
      script: Array.from({ length: 30 }, () => [{ awaitInterruption: true as const }]),
      resumptionUpdates: false,
    });
    const session = await createLiveSession(agent, { maxBufferedBytes: 20_000 });
    const iterator = session[Symbol.asyncIterator]();
    // No handle ever says the server holds them: each must be kept to be sent again.
    let sent = 0;
    expect(() => {
      for (; sent < 20; sent += 1) session.sendText('x'.repeat(1500));
    }).toThrow(expect.objectContaining({ reason: 'closed' }));
    // The 14th text (over the bound) ended the session instead of being sent; the 15th threw.
    expect(sent).toBe(14);
    const error = await readUntil(iterator, () => false).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: 'buffer-full', limit: 20_000 });
    expect((error as Error).message).toMatch(/not confirmed/);
    await expect(session.closed).rejects.toMatchObject({ reason: 'buffer-full' });
    expect(fake.connections[0]?.messages.length).toBeLessThanOrEqual(13);
  });

  it('sending on a closed session is a LiveSessionError (closed), not a silent drop', async () => {
    const { agent } = await liveFixture({ script: [] });
    const session = await createLiveSession(agent);
    await session.close();
    expect(() => session.sendText('hello?')).toThrow(expect.objectContaining({ reason: 'closed' }));
    expect(() => session.sendAudio(42 as never)).toThrow(/sendAudio takes 16-bit PCM bytes/);
  });

  it('a server that never answers the setup fails the connect after connectTimeoutMs, no hang', async () => {
    const { agent } = await liveFixture({ script: [], hangOnSetup: true });
    const error = await createLiveSession(agent, { connectTimeoutMs: 100 }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ reason: 'connect-failed', limit: 100 });
    expect((error as Error).message).toContain('did not answer the setup within 100 ms');
  });
});
