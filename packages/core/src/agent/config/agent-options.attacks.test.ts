import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { createAgent } from '../create-agent.ts';

// attack60d: createAgent copied its options one level deep and checked them; the values nested in
// them were read by the check and again by the requests. A getter (or a Proxy) gave the check one
// value and the agent another: `retrievalConfig.latLng` a place, then "x" sent to the API as it
// was; `continuation.maxHops` 2, then NaN (no cap); `generationConfig.temperature`,
// `callOptions.timeoutMs`/`headers` and `instructions.parts` a ModelCallError at the first run
// instead of the typed error at createAgent. Every nested value is now read once, into the copy
// the check sees. And an option whose getter throws is the typed error naming it.

/** `values` with `key` as `first` at its first read and `later` at every one after it. */
function shifting(values: object, key: string, first: unknown, later: unknown): object {
  let reads = 0;
  return Object.defineProperty({ ...values }, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
}

const model = 'gemini-2.5-flash';
const lookup = defineTool({ name: 'lookup', execute: () => ({ found: true }) });

async function firstBody(options: object): Promise<Record<string, unknown>> {
  await using fake = createFakeGemini({ script: [turn.text('ok')] });
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  const agent = createAgent({ gemini, model, ...options } as never);
  const result = await agent.run('Hi');
  expect(result.text).toBe('ok');
  return fake.modelRequests[0]?.body as Record<string, unknown>;
}

describe('createAgent reads each nested value once', () => {
  it('sends the retrievalConfig place the check saw', async () => {
    const place = { latitude: 48.8, longitude: 2.3 };
    const body = await firstBody({
      retrievalConfig: shifting({}, 'latLng', place, 'x'),
    });
    expect(body['toolConfig']).toEqual({ retrievalConfig: { latLng: place } });
  });

  it('sends the temperature, instructions and tool choice the checks saw', async () => {
    const body = await firstBody({
      tools: [lookup],
      generationConfig: shifting({}, 'temperature', 0.5, Number.NaN),
      instructions: shifting({}, 'parts', [{ text: 'Be brief.' }], 5),
      toolChoice: shifting({ mode: 'ANY' }, 'allowedFunctionNames', ['lookup'], ['nope']),
    });
    expect(body['generationConfig']).toEqual({ temperature: 0.5 });
    expect(body['systemInstruction']).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body['toolConfig']).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] },
    });
  });

  it('uses the call options the check saw', async () => {
    await using fake = createFakeGemini({ script: [turn.text('ok')] });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
    const agent = createAgent({
      gemini,
      model,
      callOptions: shifting(
        { headers: shifting({}, 'x-team', 'a', 5) },
        'timeoutMs',
        60_000,
        -5,
      ) as never,
    });
    expect((await agent.run('Hi')).text).toBe('ok');
    expect(fake.modelRequests[0]?.headers['x-team']).toBe('a');
  });

  it('caps continuation with the maxHops the check saw', () => {
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'test-key', fetch: () => Promise.reject(new Error('none')) }),
      model,
      continuation: shifting({}, 'maxHops', 2, Number.NaN) as never,
    });
    const continuation = agent.plugins?.find((plugin) => plugin.name === 'continuation') as
      | { options?: { maxHops?: unknown } }
      | undefined;
    expect(continuation?.options?.maxHops).toBe(2);
  });

  it('still refuses a nested value the check sees wrong, naming it', () => {
    const gemini = createGemini({
      apiKey: 'test-key',
      fetch: () => Promise.reject(new Error('x')),
    });
    const make = () =>
      createAgent({
        gemini,
        model,
        retrievalConfig: shifting({}, 'latLng', 'x', { latitude: 1, longitude: 2 }) as never,
      });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(expect.objectContaining({ argument: 'retrievalConfig.latLng' }));
  });
});

describe('createAgent options that cannot be read', () => {
  const gemini = createGemini({
    apiKey: 'AIzaSy-attack60d-secret',
    fetch: () => Promise.reject(new Error('no request expected')),
  });
  const throwing = (key: string) =>
    Object.defineProperty({ gemini, model }, key, {
      enumerable: true,
      get() {
        throw new Error('lazy config failed');
      },
    });

  it('names a top-level option whose getter throws, its error as the cause', () => {
    const make = () => createAgent(throwing('maxSteps') as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(expect.objectContaining({ argument: 'maxSteps' }));
    expect(make).toThrow(/maxSteps could not be read/);
  });

  it('names a nested one by its path', () => {
    const generationConfig = Object.defineProperty({}, 'topK', {
      enumerable: true,
      get() {
        throw new Error('lazy');
      },
    });
    const make = () => createAgent({ gemini, model, generationConfig });
    expect(make).toThrow(expect.objectContaining({ argument: 'generationConfig.topK' }));
  });

  it('refuses a Proxy whose keys cannot be listed, and a revoked one, as typed errors', () => {
    const keys = new Proxy(
      { gemini, model },
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    const { proxy, revoke } = Proxy.revocable({ gemini, model }, {});
    revoke();
    for (const options of [keys, proxy]) {
      expect(() => createAgent(options)).toThrow(InvalidArgumentError);
    }
  });

  it('never puts the API key in a message about an option', () => {
    const messages: string[] = [];
    for (const options of [
      throwing('maxSteps'),
      { gemini, model, ['x'.repeat(100_000)]: 1 },
      { gemini, model, capabilities: { generaton: 3 } },
    ]) {
      try {
        createAgent(options as never);
      } catch (error) {
        messages.push(String((error as Error).message), (error as InvalidArgumentError).argument);
      }
    }
    expect(messages).toHaveLength(6);
    for (const message of messages) expect(message).not.toContain('attack60d-secret');
  });
});
