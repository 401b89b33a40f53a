// attack58: steering tried from outside, through the public subpaths: a receive() store that
// returns garbage or throws from a getter, many steers at once, a controller another run holds,
// steers after an abort.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createSteering, SteeringError } from '@gemloop/core/steering';
import {
  type CreateFakeGeminiOptions,
  createFakeGemini,
  type FakeGemini,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const MODEL = 'gemini-3-flash-preview';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: CreateFakeGeminiOptions['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

type Sent = { contents: { role: string; parts: { text?: string }[] }[] };
const userTexts = (fake: FakeGemini, index: number): string[] =>
  ((fake.modelRequests[index]?.body as Sent | undefined)?.contents ?? [])
    .filter((content) => content.role === 'user')
    .flatMap((content) => content.parts.flatMap((part) => (part.text ? [part.text] : [])));

describe('a steering receive() store that returns garbage', () => {
  it.each<[string, () => unknown]>([
    [
      'an entry whose message getter throws',
      () => [
        {
          get message(): string {
            throw new Error('getter broke');
          },
        },
        { message: 'kept' },
      ],
    ],
    [
      'an entry whose mode getter throws',
      () => [
        {
          message: 'dropped',
          get mode(): string {
            throw new Error('getter broke');
          },
        },
        { message: 'kept' },
      ],
    ],
    [
      'a Proxy entry whose every trap throws',
      () => [
        new Proxy(
          {},
          {
            get() {
              throw new Error('trap');
            },
            has() {
              throw new Error('trap');
            },
            ownKeys() {
              throw new Error('trap');
            },
          },
        ),
        { message: 'kept' },
      ],
    ],
  ])('skips %s as a malformed message and keeps the rest', async (_name, entries) => {
    const { fake, gemini } = await serve([turn.text('one')]);
    let asked = 0;
    const steering = createSteering({
      receive: () => (asked++ === 0 ? (entries() as never) : []),
    });
    const agent = createAgent({ gemini, model: MODEL });
    const result = await agent.run('hi', { steering });
    expect(result.text).toBe('one');
    expect(userTexts(fake, 0)).toEqual(['hi', 'kept']);
  });

  it.each<[string, unknown]>([
    ['a string', 'steer me'],
    ['an object', { message: 'steer me' }],
    ['null', null],
    ['a number', 42],
  ])('reads %s (not a list) as no messages', async (_name, value) => {
    const { fake, gemini } = await serve([turn.text('one')]);
    const steering = createSteering({ receive: () => value as never });
    const result = await createAgent({ gemini, model: MODEL }).run('hi', { steering });
    expect(result.text).toBe('one');
    expect(userTexts(fake, 0)).toEqual(['hi']);
  });
});

describe('steering under load and across runs', () => {
  it('applies 32 steers given at once in order at one boundary, and refuses the 33rd typed', async () => {
    const { fake, gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('done')]);
    const steering = createSteering();
    let refused: unknown;
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: () => {
        for (let index = 0; index < 32; index++) steering.steer(`steer ${index}`);
        try {
          steering.steer('one too many');
        } catch (error) {
          refused = error;
        }
        return 'found';
      },
    });
    const result = await createAgent({ gemini, model: MODEL, tools: [lookup] }).run('hi', {
      steering,
    });
    expect(result.text).toBe('done');
    expect(refused).toBeInstanceOf(SteeringError);
    expect(refused).toMatchObject({ reason: 'too-many-pending', maxPending: 32 });
    expect(userTexts(fake, 1)).toEqual([
      'hi',
      ...Array.from({ length: 32 }, (_, index) => `steer ${index}`),
    ]);
    expect((result.steering ?? []).filter((report) => report.status === 'applied')).toHaveLength(
      32,
    );
  });

  it('leaves the run holding a controller steerable when another run is refused it', async () => {
    const { fake, gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('done')]);
    const steering = createSteering();
    const agent = createAgent({ gemini, model: MODEL });
    let second: Promise<unknown> | undefined;
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: async () => {
        // While the first run holds the controller, a second run asks for it, is refused, and
        // ends: the first run must still hear a steer given after that.
        second = agent.run('intruder', { steering }).catch((error: unknown) => error);
        await second;
        steering.steer('still heard');
        return 'found';
      },
    });
    const result = await createAgent({ gemini, model: MODEL, tools: [lookup] }).run('hi', {
      steering,
    });
    expect(await second).toMatchObject({ reason: 'in-use' });
    expect(result.text).toBe('done');
    expect(userTexts(fake, 1)).toEqual(['hi', 'still heard']);
  });

  it('reports steers waiting at an abort dropped, and steers the next run afresh', async () => {
    const { fake, gemini } = await serve([
      turn.call('lookup', { q: 'a' }),
      turn.text('next run answer'),
    ]);
    const steering = createSteering();
    const controller = new AbortController();
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ q: z.string() }),
      execute: () => {
        steering.steer('lost to the abort');
        controller.abort(new Error('user left'));
        return 'found';
      },
    });
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
    const aborted = await agent
      .run('hi', { steering, signal: controller.signal })
      .catch((error: unknown) => error);
    expect((aborted as Error).name).toBe('AgentAbortedError');
    expect(steering.pending).toBe(0);
    steering.steer('for the next run');
    const next = await agent.run('again', { steering });
    expect(next.text).toBe('next run answer');
    expect(userTexts(fake, 1)).toEqual(['again', 'for the next run']);
  });
});
