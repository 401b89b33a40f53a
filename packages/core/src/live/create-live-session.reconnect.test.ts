import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import { LiveSessionError } from './live-session-error.ts';

const turnEnds = (events: LiveEvent[]) =>
  events.filter((event) => event.type === 'turn-end').length;
const texts = (events: LiveEvent[]) =>
  events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));

describe('a live session never drops', () => {
  it('on goAway, finishes the turn, closes the old socket and resumes with the last handle', async () => {
    const { fake, agent } = await liveFixture({
      script: [
        [{ text: 'one' }, { goAway: { timeLeftMs: 600_000 } }, { text: ' done' }],
        [{ text: 'two' }],
      ],
    });
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    const first = await readUntil(iterator, (event) => event.type === 'reconnect');
    expect(texts(first)).toEqual(['one', ' done']);
    expect(first.at(-1)).toEqual({
      type: 'reconnect',
      reason: 'go-away',
      attempt: 1,
      discardedTurn: false,
    });
    session.sendText('second');
    const second = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(texts(second)).toEqual(['two']);
    // The resume carried the handle sent after the first turn; the old socket was closed first,
    // since a resume beside an open socket is refused (the fake enforces the users' report).
    expect(fake.connections.map((connection) => connection.resumedHandle)).toEqual([
      undefined,
      'fake-handle-2',
    ]);
    expect(fake.connections[0]?.open).toBe(false);
    expect(fake.errors).toEqual([]);
    expect(messagesOf(fake, 1, 'realtimeInput')).toEqual([{ realtimeInput: { text: 'second' } }]);
    // Handles: after the setup, after turn one, after the resumed setup, after turn two.
    expect(session.handle).toBe('fake-handle-4');
  });

  it('on a dropped socket, resumes and resends what the server had not consumed: no turn lost or repeated', async () => {
    const { fake, agent } = await liveFixture({
      script: [
        [{ text: 'one' }],
        [{ text: 'partial' }, { drop: true }, { text: ' rest' }],
        [{ text: 'three' }],
      ],
    });
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    session.sendText('second');
    events.push(...(await readUntil(iterator, (event) => event.type === 'turn-end')));
    session.sendText('third');
    events.push(...(await readUntil(iterator, (event) => event.type === 'turn-end')));
    expect(events.filter((event) => event.type === 'reconnect')).toEqual([
      { type: 'reconnect', reason: 'dropped', attempt: 1, discardedTurn: true },
    ]);
    // The cut turn is answered again from the resumed state, once; each question gets one answer.
    expect(texts(events)).toEqual(['one', 'partial', 'partial', ' rest', 'three']);
    expect(turnEnds(events)).toBe(3);
    // 'second' was not yet consumed when the socket dropped, so it went again; 'first' did not.
    expect(messagesOf(fake, 1, 'realtimeInput')).toEqual([
      { realtimeInput: { text: 'second' } },
      { realtimeInput: { text: 'third' } },
    ]);
    expect(fake.errors).toEqual([]);
  });

  it('a drop right after a blocking tool response: the resumed model asks again, each call id is answered once', async () => {
    // The handle (taken after the setup) predates the call: a handle is never taken while "the
    // model [is] executing function calls" (LiveServerSessionResumptionUpdate.resumable), so the
    // resumed server does not know the call, and a response to it would be refused.
    const ran: string[] = [];
    const weather = defineTool({
      name: 'get_weather',
      description: 'Current weather for a city.',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }, { toolCallId }) => {
        ran.push(toolCallId);
        return { city, celsius: 21 };
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] }],
          [{ drop: true }, { text: '21 degrees' }],
        ],
      },
      { tools: [weather] },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('Weather in Paris?');
    const events = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(fake.errors).toEqual([]);
    expect(events.filter((event) => event.type === 'reconnect')).toHaveLength(1);
    expect(texts(events)).toEqual(['21 degrees']);
    // The question went again (the handle predates it); the first call's answer did not.
    expect(messagesOf(fake, 1, 'realtimeInput')).toEqual([
      { realtimeInput: { text: 'Weather in Paris?' } },
    ]);
    const answered = fake.connections.flatMap((connection) =>
      connection.messages.flatMap((message) =>
        (
          (message['toolResponse'] as { functionResponses: { id: string }[] } | undefined)
            ?.functionResponses ?? []
        ).map((response) => response.id),
      ),
    );
    expect(answered).toEqual(ran);
    expect(new Set(answered).size).toBe(2);
    expect(events.filter((event) => event.type === 'tool-result')).toHaveLength(2);
  });

  it('holds what is sent during a reconnection and sends it on the new connection', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'one' }, { drop: true }], [{ text: 'two' }]],
    });
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    await readUntil(iterator, (event) => event.type === 'text-delta');
    // The drop is on its way: whatever the socket's state, this message reaches the server once.
    session.sendText('second');
    const events = await readUntil(
      iterator,
      (event) => event.type === 'turn-end' && fake.connections.length === 2,
    );
    expect(texts(events)).toContain('two');
    const sent = fake.connections.flatMap((connection) => connection.messages);
    expect(sent.filter((message) => JSON.stringify(message).includes('second'))).toHaveLength(1);
  });

  it('opens the new connection first with overlapReconnect, and falls back to closing first when the server refuses', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'one' }, { goAway: { timeLeftMs: 600_000 } }], [{ text: 'two' }]],
    });
    await using session = await createLiveSession(agent, { overlapReconnect: true });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    const events = await readUntil(iterator, (event) => event.type === 'reconnect');
    expect(events.at(-1)).toMatchObject({ type: 'reconnect', reason: 'go-away' });
    expect(fake.errors.map((error) => error.rule)).toEqual(['resume-while-open']);
    session.sendText('second');
    expect(texts(await readUntil(iterator, (event) => event.type === 'turn-end'))).toEqual(['two']);
  });

  it('with overlapReconnect on a server that allows it, the old socket is open while the new one sets up', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'one' }, { goAway: { timeLeftMs: 600_000 } }], [{ text: 'two' }]],
      refuseResumeWhileOpen: false,
    });
    await using session = await createLiveSession(agent, { overlapReconnect: true });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('first');
    await readUntil(iterator, (event) => event.type === 'reconnect');
    expect(fake.connections).toHaveLength(2);
    expect(fake.errors).toEqual([]);
    session.sendText('second');
    expect(texts(await readUntil(iterator, (event) => event.type === 'turn-end'))).toEqual(['two']);
  });

  it('fails with no-resumption-handle, never hangs, when the server drops before sending a handle', async () => {
    const { agent } = await liveFixture({
      script: [[{ text: 'one' }, { drop: true }]],
      resumptionUpdates: false,
    });
    const session = await createLiveSession(agent);
    session.sendText('first');
    const seen: LiveEvent[] = [];
    const error = await (async () => {
      for await (const event of session) seen.push(event);
    })().catch((thrown: unknown) => thrown);
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'no-resumption-handle', closeCode: 1006 });
    expect(texts(seen)).toEqual(['one']);
    await expect(session.closed).rejects.toBe(error);
  });

  it('resumes a later session from session.handle (resumeHandle)', async () => {
    const { fake, agent } = await liveFixture({ script: [[{ text: 'one' }], [{ text: 'two' }]] });
    const first = await createLiveSession(agent);
    first.sendText('first');
    await readUntil(first[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const handle = first.handle;
    await first.close();
    await using second = await createLiveSession(agent, { resumeHandle: handle });
    second.sendText('second');
    expect(
      texts(await readUntil(second[Symbol.asyncIterator](), (event) => event.type === 'turn-end')),
    ).toEqual(['two']);
    expect(fake.connections[1]?.resumedHandle).toBe(handle);
  });

  const history = [
    { role: 'user' as const, parts: [{ text: 'My name is Ada.' }] },
    {
      role: 'model' as const,
      parts: [
        { text: 'thinking', thought: true },
        { functionCall: { name: 'remember', args: {} } },
        { text: 'Nice to meet you, Ada.' },
      ],
    },
    { role: 'user' as const, parts: [{ functionResponse: { name: 'remember', response: {} } }] },
  ];
  const historyMessage = {
    clientContent: {
      turns: [
        { role: 'user', parts: [{ text: 'My name is Ada.' }] },
        { role: 'model', parts: [{ text: 'Nice to meet you, Ada.' }] },
      ],
      turnComplete: true,
    },
  };

  it('starts from a chat history (text only, no answer to it), sent again on a resume whose handle predates it', async () => {
    const { fake, agent } = await liveFixture({
      script: [[{ text: 'Hello again, Ada' }, { drop: true }]],
    });
    await using session = await createLiveSession(agent, { history });
    session.sendText('Do you remember me?');
    const iterator = session[Symbol.asyncIterator]();
    await readUntil(iterator, (event) => event.type === 'reconnect');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(fake.connections[0]?.setup).toMatchObject({
      historyConfig: { initialHistoryInClientContent: true },
    });
    expect(fake.connections[0]?.messages[0]).toEqual(historyMessage);
    // The only handle came with the setup, before the history: the resumed state lacks it, so it
    // goes again as the initial history, then the question.
    expect(fake.connections[1]?.setup).toMatchObject({
      historyConfig: { initialHistoryInClientContent: true },
    });
    expect(fake.connections[1]?.messages).toEqual([
      historyMessage,
      { realtimeInput: { text: 'Do you remember me?' } },
    ]);
    expect(fake.errors).toEqual([]);
  });

  it('does not send the history again once a turn ended after it', async () => {
    const { fake, agent } = await liveFixture({
      script: [
        [{ text: 'Hello again, Ada' }],
        [{ text: 'partial' }, { drop: true }, { text: ' rest' }],
      ],
    });
    await using session = await createLiveSession(agent, { history });
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('Do you remember me?');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    session.sendText('And now?');
    await readUntil(iterator, (event) => event.type === 'reconnect');
    expect(texts(await readUntil(iterator, (event) => event.type === 'turn-end'))).toEqual([
      'partial',
      ' rest',
    ]);
    expect(fake.connections[1]?.setup?.['historyConfig']).toBeUndefined();
    expect(fake.connections[1]?.messages).toEqual([{ realtimeInput: { text: 'And now?' } }]);
    expect(fake.errors).toEqual([]);
  });
});
