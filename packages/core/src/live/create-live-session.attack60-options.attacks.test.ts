// attack60: createLiveSession's options from a hostile caller or a store that wrote them wrong
// (the session's own cases are in create-live-session.attack60.attacks.test.ts). Each case failed
// before its fix (bench/RESULTS.md, attack60).
import { describe, expect, it, onTestFinished } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

/** What a promise rejected with (it must reject). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('pendingCalls from a store that wrote them wrong (attack60)', () => {
  const background = defineTool({
    name: 'bg',
    description: 'A background tool.',
    behavior: 'NON_BLOCKING',
    execute: async () => ({ ok: true }),
  });

  it.each([
    ['null', null],
    ['an id that is a number', { id: 5, name: 'bg', args: {} }],
    ['no name', { id: 'a', args: {} }],
    ['idless that is text', { id: 'a', name: 'bg', args: {}, idless: 'yes' }],
    [
      'a getter that throws',
      Object.defineProperty({}, 'id', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      }),
    ],
  ])('an entry with %s is refused by name before any connection', async (_, entry) => {
    const { fake, agent } = await liveFixture({ script: [] }, { tools: [background] });
    // Before: a TypeError (null), an unhandled rejection and a call never answered (no name), the
    // answer sent with id 5 (a number), the getter's own Error.
    const error = await rejection(createLiveSession(agent, { pendingCalls: [entry] as never }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(
      /^pendingCalls\[0\] must be \{ id, name, args, idless\? \}/,
    );
    expect(fake.connections).toEqual([]);
  });

  it('good entries are read once, as given: a getter cannot pass the check and change after', async () => {
    let reads = 0;
    const entry = {
      get id() {
        reads += 1;
        return reads === 1 ? 'p1' : 42;
      },
      name: 'bg',
      args: {},
    };
    const { fake, agent } = await liveFixture({ script: [] }, { tools: [background] });
    const session = await createLiveSession(agent, { pendingCalls: [entry as never] });
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (e) => e.type === 'tool-result',
    );
    expect(events[0]).toMatchObject({ type: 'tool-call', toolCallId: 'p1' });
    await expect.poll(() => fake.connections[0]?.messages.length, { timeout: 60_000 }).toBe(1);
    expect(fake.connections[0]?.messages[0]).toMatchObject({
      toolResponse: { functionResponses: [{ id: 'p1', name: 'bg' }] },
    });
    expect(reads).toBe(1);
    await session.close();
  });
});

describe('prices a caller wrote wrong (attack60)', () => {
  it.each([
    ['a price without audioInput', { input: '0.5', output: '1', audioOutput: '2' }, 'audioInput'],
    [
      'a rate that is no number',
      { input: 'abc', audioInput: 1, output: 1, audioOutput: 1 },
      'input',
    ],
    [
      'a rate that is NaN',
      { input: 1, audioInput: 1, output: Number.NaN, audioOutput: 1 },
      'output',
    ],
  ])('%s is refused by name before any connection', async (_, price, rate) => {
    const { fake, agent } = await liveFixture({ script: [] });
    // Before: accepted; the first usage report threw from the socket's message handler, an
    // uncaught exception (a Node process's end by default), and the report was lost.
    const error = await rejection(
      createLiveSession(agent, { prices: { 'gemini-live-test': price as never } }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(
      new RegExp(`^prices\\["gemini-live-test"\\] must be a Live price .*; its ${rate} is `),
    );
    expect(fake.connections).toEqual([]);
  });

  it('good prices (numbers, no source, a __proto__ model id) price the reports as given', async () => {
    const { agent } = await liveFixture({
      script: [[{ usage: { promptTokenCount: 1_000_000 } }, { text: 'Done.' }]],
    });
    const prices = JSON.parse(
      '{"__proto__": {"input": 9, "audioInput": 9, "output": 9, "audioOutput": 9}}',
    ) as Record<string, never>;
    prices['gemini-live-test'] = { input: 2, audioInput: 3, output: 4, audioOutput: 5 } as never;
    const session = await createLiveSession(agent, { prices });
    session.sendText('go');
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    expect(events.find((event) => event.type === 'usage')).toMatchObject({
      cost: { total: '2', input: '2' },
    });
    await session.close();
  });
});

describe('a setup option that is not JSON (attack60)', () => {
  const cycle: Record<string, unknown> = {};
  cycle['self'] = cycle;
  it.each([
    ['speechConfig', 'a BigInt', { speechConfig: { voiceConfig: { rate: 1n } } }],
    ['realtimeInputConfig', 'a cycle', { realtimeInputConfig: cycle }],
    [
      'speechConfig',
      'a toJSON that throws the key',
      {
        speechConfig: {
          toJSON() {
            throw new Error('test-key');
          },
        },
      },
    ],
  ])('%s with %s is refused by name before any connection', async (name, _, options) => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    onTestFinished(() => {
      process.off('uncaughtException', onUncaught);
    });
    const { fake, agent } = await liveFixture({ script: [] });
    // Before: thrown from the socket's open handler (an uncaught exception), then a wait of
    // connectTimeoutMs for an answer to a setup never sent.
    const error = await rejection(createLiveSession(agent, options as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: name });
    expect((error as Error).message).not.toContain('test-key');
    expect(uncaught).toEqual([]);
    expect(fake.connections).toEqual([]);
  });

  it('a function inside speechConfig is left out, as JSON leaves it, not a DataCloneError', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    // Before: structuredClone's DataCloneError, quoting the function's source.
    const session = await createLiveSession(agent, {
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' }, pick: () => 1 } },
    });
    expect(fake.connections[0]?.setup).toMatchObject({
      generationConfig: {
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
      },
    });
    await session.close();
  });
});

describe('a history a store wrote wrong (attack60)', () => {
  it('a part that is null is skipped, its turn’s text sent; nothing left open', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    // Before: a TypeError after the socket had opened, and the socket left open for good.
    const session = await createLiveSession(agent, {
      history: [{ role: 'user', parts: [null, { text: 'Hello.' }] }] as never,
    });
    await expect.poll(() => fake.connections[0]?.messages.length, { timeout: 60_000 }).toBe(1);
    expect(fake.connections[0]?.messages[0]).toEqual({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'Hello.' }] }], turnComplete: true },
    });
    await session.close();
  });

  it('a part whose text getter throws is refused by name before any connection', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    const part = Object.defineProperty({}, 'text', {
      enumerable: true,
      get() {
        throw new Error('test-key');
      },
    });
    // Before: the getter's own Error after the socket had opened, the socket left open.
    const error = await rejection(
      createLiveSession(agent, { history: [{ role: 'user', parts: [part] }] }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'history' });
    expect((error as Error).message).not.toContain('test-key');
    expect(fake.connections).toEqual([]);
  });
});

describe('a toolBehavior value misspelt (attack60)', () => {
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks up.',
    execute: async () => ({ ok: true }),
  });

  it.each([
    [
      'a misspelt value',
      { lookup: 'NONBLOCKING' },
      `toolBehavior["lookup"] must be 'BLOCKING' or 'NON_BLOCKING'; got "NONBLOCKING".`,
    ],
    [
      'null',
      null,
      `toolBehavior must be an object of 'BLOCKING' or 'NON_BLOCKING' by tool name; got null.`,
    ],
  ])('%s is refused by name before any connection', async (_, toolBehavior, message) => {
    const { fake, agent } = await liveFixture({ script: [] }, { tools: [lookup] });
    // Before: the tool was declared BLOCKING without a word; null threw a TypeError.
    const error = await rejection(
      createLiveSession(agent, { toolBehavior: toolBehavior as never }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(message);
    expect(fake.connections).toEqual([]);
  });
});

describe('idlessKeyStart near 2^53 (attack60)', () => {
  it('is refused by name: counting on from there repeated keys and could loop for good', async () => {
    const { fake, agent } = await liveFixture({ script: [] });
    // Before: accepted; a frame of three id-less calls looped for good (2^53 + 1 is 2^53) looking
    // for a key no running call held, and calls one after another got one key.
    const error = await rejection(
      createLiveSession(agent, { idlessKeyStart: Number.MAX_SAFE_INTEGER }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/^idlessKeyStart/);
    expect(fake.connections).toEqual([]);
  });

  it('the highest start nextIdlessKey gives still counts: three id-less calls, three keys', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const wait = defineTool({
      name: 'wait',
      description: 'Waits.',
      execute: async () => {
        await held;
        return { ok: true };
      },
    });
    const { agent } = await liveFixture(
      {
        script: [
          [
            {
              toolCalls: [
                { name: 'wait', id: null },
                { name: 'wait', id: null },
                { name: 'wait', id: null },
              ],
            },
          ],
          [{ text: 'Done.' }],
        ],
      },
      { tools: [wait] },
    );
    const session = await createLiveSession(agent, { idlessKeyStart: 10 ** 15 });
    const events = session[Symbol.asyncIterator]();
    session.sendText('go');
    const calls = await readUntil(
      events,
      (event) => event.type === 'tool-call' && event.toolCallId === `live-call-${10 ** 15 + 2}`,
    );
    release();
    expect(calls.map((event) => (event.type === 'tool-call' ? event.toolCallId : ''))).toEqual([
      'live-call-1000000000000000',
      'live-call-1000000000000001',
      'live-call-1000000000000002',
    ]);
    await readUntil(events, (event) => event.type === 'turn-end');
    await session.close();
  });
});
