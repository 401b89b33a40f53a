import { describe, expect, it } from 'vitest';
import { heldTool } from './__fixtures__/held-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';

const texts = (events: LiveEvent[]) =>
  events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));

describe('background tools in a live session', () => {
  it('runs a NON_BLOCKING tool while the conversation goes on, and sends its result WHEN_IDLE', async () => {
    const held = heldTool();
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'slow_search', id: 's1' }] }, { text: 'Searching.' }],
          [{ text: 'Fine, thanks.' }],
          [{ text: 'The results are in.' }],
        ],
      },
      { tools: [held.tool] },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('search');
    const first = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(first[0]).toMatchObject({
      type: 'tool-call',
      toolCallId: 's1',
      behavior: 'NON_BLOCKING',
    });
    await held.started;
    // The tool is still running: the conversation goes on.
    session.sendText('how are you?');
    expect(texts(await readUntil(iterator, (event) => event.type === 'turn-end'))).toEqual([
      'Fine, thanks.',
    ]);
    held.release({ hits: 3 });
    const last = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(last[0]).toEqual({
      type: 'tool-result',
      toolCallId: 's1',
      toolName: 'slow_search',
      output: { hits: 3 },
      scheduling: 'WHEN_IDLE',
    });
    expect(texts(last)).toEqual(['The results are in.']);
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { id: 's1', name: 'slow_search', response: { hits: 3 }, scheduling: 'WHEN_IDLE' },
          ],
        },
      },
    ]);
    const setup = fake.connections[0]?.setup as {
      tools: { functionDeclarations: Record<string, unknown>[] }[];
    };
    expect(setup.tools[0]?.functionDeclarations[0]).toMatchObject({
      name: 'slow_search',
      behavior: 'NON_BLOCKING',
    });
    expect(fake.errors).toEqual([]);
  });

  it('sends an INTERRUPT result at once, and the model stops to answer it', async () => {
    const held = heldTool('INTERRUPT');
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            { toolCalls: [{ name: 'slow_search', id: 's1' }] },
            { text: 'Talking at length' },
            { awaitInterruption: true },
          ],
          [{ text: 'Stop: results!' }],
        ],
      },
      { tools: [held.tool] },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('search');
    await readUntil(iterator, (event) => event.type === 'text-delta');
    held.release({ hits: 1 });
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(events.map((event) => event.type)).toEqual([
      'tool-result',
      'interrupted',
      'text-delta',
      'turn-end',
    ]);
    expect(messagesOf(fake, 0, 'toolResponse')[0]).toMatchObject({
      toolResponse: { functionResponses: [{ id: 's1', scheduling: 'INTERRUPT' }] },
    });
  });

  it('sends a SILENT result without starting a turn; the session option sets the default', async () => {
    const held = heldTool();
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'slow_search', id: 's1' }] }], [{ text: 'next' }]] },
      { tools: [held.tool] },
    );
    await using session = await createLiveSession(agent, { toolScheduling: 'SILENT' });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('search');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    held.release('done');
    await readUntil(iterator, (event) => event.type === 'tool-result');
    await expect
      .poll(() => messagesOf(fake, 0, 'toolResponse').length, { timeout: 60_000 })
      .toBe(1);
    // No turn was played for it: the next turn answers the next question.
    session.sendText('and?');
    expect(texts(await readUntil(iterator, (event) => event.type === 'turn-end'))).toEqual([
      'next',
    ]);
    expect(messagesOf(fake, 0, 'toolResponse')[0]).toMatchObject({
      toolResponse: { functionResponses: [{ scheduling: 'SILENT', response: { output: 'done' } }] },
    });
  });

  it("aborts the running tool's signal on toolCallCancellation and sends nothing for it", async () => {
    const held = heldTool();
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'slow_search', id: 's1' }] }, { awaitInterruption: true }],
          [{ cancelToolCalls: ['s1'] }, { text: 'Never mind.' }],
        ],
      },
      { tools: [held.tool] },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('search');
    await held.started;
    session.sendText('actually, stop');
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(events).toContainEqual({
      type: 'tool-error',
      toolCallId: 's1',
      toolName: 'slow_search',
      outcome: 'cancelled',
      message: 'The server cancelled the call.',
    });
    expect(held.signal()?.aborted).toBe(true);
    expect(texts(events)).toEqual(['Never mind.']);
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([]);
    expect(fake.errors).toEqual([]);
  });

  it('delivers a background result on the resumed connection after a drop', async () => {
    const held = heldTool();
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'slow_search', id: 's1' }] }, { text: 'Searching.' }],
          [{ text: 'one moment' }, { drop: true }],
          [{ text: 'Results!' }],
        ],
      },
      { tools: [held.tool] },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('search');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    session.sendText('still there?');
    await readUntil(iterator, (event) => event.type === 'reconnect');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    held.release({ hits: 2 });
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(texts(events)).toEqual(['Results!']);
    expect(held.signal()?.aborted).toBe(false);
    expect(messagesOf(fake, 1, 'toolResponse')).toHaveLength(1);
    expect(fake.errors).toEqual([]);
  });

  it('a background call the last handle does not hold is stopped on a drop; the resumed call is answered once', async () => {
    const held = heldTool();
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'slow_search' }] }, { text: 'Searching.' }, { drop: true }],
          [{ text: 'Results!' }],
        ],
      },
      { tools: [held.tool] },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('search');
    const first = await readUntil(iterator, (event) => event.type === 'reconnect');
    const firstSignal = held.signal();
    // The drop cut the turn before a handle held call-1: the resumed server never made it.
    expect(first.at(-2)).toMatchObject({
      type: 'tool-error',
      toolCallId: 'call-1',
      outcome: 'cancelled',
    });
    expect(firstSignal?.aborted).toBe(true);
    await readUntil(iterator, (event) => event.type === 'turn-end');
    held.release({ hits: 2 });
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(texts(events)).toEqual(['Results!']);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'tool-result', toolCallId: 'call-2' }),
    );
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([]);
    expect(messagesOf(fake, 1, 'toolResponse')).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { id: 'call-2', name: 'slow_search', response: { hits: 2 }, scheduling: 'WHEN_IDLE' },
          ],
        },
      },
    ]);
    expect(fake.errors).toEqual([]);
  });
});
