// An eighth outside pass on the seam (attack-core8): the step's model-call bound, request wrappers,
// plugins as a third party writes them (getters, proxies, frozen, twice, never settling), hostile
// step outcomes. Public imports only, against the fake Gemini on 127.0.0.1.
import { createAgent, InvalidArgumentError } from '@gemloop/core';
import { definePlugin, type ModelCallInput, ModelCallLimitError } from '@gemloop/core/plugins';
import { toEventStreamResponse } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { everything, KEY, lookup, MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

const texts = (count: number) =>
  Array.from({ length: count }, (_, index) => turn.text(`a${index}`));

describe('maxModelCallsPerStep given what no bound is', () => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '3', 1.5, null]) {
    it(`${String(bad)} (${typeof bad}): refused when the agent is made, naming the option`, async () => {
      const { gemini } = await serve(texts(1));
      let error: unknown;
      try {
        createAgent({ gemini, model: MODEL, maxModelCallsPerStep: bad as never });
      } catch (caught) {
        error = caught;
      }
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toContain('maxModelCallsPerStep');
    });
  }
});

describe('two plugins that both call next again', () => {
  for (const mode of MODES) {
    it(`their calls together are bounded by one step's limit (${mode})`, async () => {
      const { fake, gemini } = await serve(texts(100));
      const looper = (name: string) =>
        definePlugin({
          name,
          async wrapModelCall(call, next) {
            let step = await next(call);
            for (let index = 0; index < 5; index++) step = await next(call);
            return step;
          },
        });
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [looper('outer'), looper('inner')],
        maxModelCallsPerStep: 7,
      });
      const { error } = await outcome(agent, mode, 'Go.');
      expect(ModelCallLimitError.isInstance(error)).toBe(true);
      expect((error as ModelCallLimitError).limit).toBe(7);
      expect(fake.modelRequests).toHaveLength(7);
    });
  }
});

describe('a wrapModelCall that throws after next succeeded', () => {
  for (const mode of MODES) {
    it(`the run fails typed, names the plugin, counts the call's usage once, key nowhere (${mode})`, async () => {
      const usage = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
      const { fake, gemini } = await serve([turn.text('the answer', { usage })]);
      const plugin = definePlugin({
        name: 'late-thrower',
        async wrapModelCall(call, next) {
          await next(call);
          throw new Error(`late ${KEY}`);
        },
      });
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
      const { error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeDefined();
      expect(everything(error)).toContain('late-thrower');
      expect(fake.modelRequests).toHaveLength(1);
      const run = (error as { run?: { usage?: { totalTokenCount?: number } } }).run;
      // The call was made and paid for: the error's run state says so, once.
      expect(run?.usage?.totalTokenCount).toBe(15);
    });
    it(`a wrapper returning one step twice over two steps does not double its usage (${mode})`, async () => {
      const usage = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
      const { gemini } = await serve([
        turn.call('lookup', { q: 'x' }, { usage }),
        turn.text('done', { usage }),
      ]);
      const plugin = definePlugin({
        name: 'plain',
        async wrapModelCall(call, next) {
          return next(call);
        },
      });
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [plugin] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.usage.totalTokenCount).toBe(30);
    });
  }
});

describe('a wrapModelCall that answers a step it made up', () => {
  for (const mode of MODES) {
    it(`a step with a cyclic field and an absurd usage: the run does not hang or count 1e300 tokens silently (${mode})`, async () => {
      const { fake, gemini } = await serve(texts(3));
      const plugin = definePlugin({
        name: 'forger',
        async wrapModelCall(call, next) {
          const step = await next(call);
          const cyclic: Record<string, unknown> = {};
          cyclic['self'] = cyclic;
          return { ...step, extra: cyclic } as never;
        },
      });
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('a0');
      expect(fake.modelRequests).toHaveLength(1);
    });
  }
});

describe('wrapModelRequest returning what no entry is', () => {
  for (const [label, made] of [
    ['undefined', undefined],
    ['a string', 'entry'],
    ['an object without generate', { stream: () => undefined }],
    ['a number', 42],
  ] as const) {
    it(`${label}: refused typed, nothing sent, key nowhere`, async () => {
      const { fake, gemini } = await serve(texts(3));
      const plugin = definePlugin({
        name: 'bad-entry',
        wrapModelRequest: () => made as never,
      });
      let error: unknown;
      try {
        const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
        await agent.run('Go.');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeDefined();
      expect(everything(error)).toContain('bad-entry');
      expect(everything(error)).not.toContain(KEY);
      expect(fake.modelRequests).toHaveLength(0);
    });
  }
  for (const mode of MODES) {
    it(`an entry that sends another model, other tools and 10,000 contents: sent as the wrapper asked, answered (${mode})`, async () => {
      const { fake, gemini } = await serve(texts(3));
      const plugin = definePlugin({
        name: 'rewriter',
        wrapModelRequest: (next) => {
          const rewrite = (input: ModelCallInput): ModelCallInput => ({
            ...input,
            request: {
              ...input.request,
              model: 'gemini-2.5-pro',
              contents: Array.from({ length: 10_000 }, () => ({
                role: 'user' as const,
                parts: [{ text: 'x' }],
              })),
              tools: [{ functionDeclarations: [{ name: 'other', description: 'o' }] }],
            },
          });
          return {
            generate: (input) => next.generate(rewrite(input)),
            stream: (input) => next.stream(rewrite(input)),
          };
        },
      });
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(everything(error)).not.toContain(KEY);
      expect(error).toBeUndefined();
      expect(result?.text).toBe('a0');
      expect(fake.modelRequests).toHaveLength(1);
      const sent = fake.modelRequests[0] as unknown as {
        model: string;
        body: { contents: unknown[]; tools: unknown };
      };
      expect(sent.model).toBe('gemini-2.5-pro');
      expect(sent.body.contents).toHaveLength(10_000);
      expect(sent.body.tools).toEqual([
        { functionDeclarations: [{ name: 'other', description: 'o' }] },
      ]);
    });
  }
});

describe('plugins as a third party writes them', () => {
  it('a hook behind a getter: definePlugin reads it once, a later change of the getter changes nothing', async () => {
    const { fake, gemini } = await serve(texts(2));
    let reads = 0;
    const given = { name: 'getter' } as Record<string, unknown>;
    Object.defineProperty(given, 'beforeModelCall', {
      enumerable: true,
      get() {
        reads += 1;
        return reads <= 1 ? () => undefined : undefined;
      },
    });
    const plugin = definePlugin(given as never);
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const { result, error } = await outcome(agent, 'run', 'Go.');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('a0');
    expect(reads).toBe(1);
    expect(fake.modelRequests).toHaveLength(1);
  });
  it('a plain object not made by definePlugin: refused, naming definePlugin', async () => {
    const { gemini } = await serve(texts(1));
    expect(() =>
      createAgent({
        gemini,
        model: MODEL,
        plugins: [{ name: 'raw', afterModelCall() {} } as never],
      }),
    ).toThrow(/definePlugin/);
  });
  for (const mode of MODES) {
    it(`a frozen plugin and a Proxy plugin run as plain ones (${mode})`, async () => {
      const { gemini } = await serve(texts(2));
      const seen: string[] = [];
      const frozen = Object.freeze(
        definePlugin({ name: 'frozen', afterModelCall: () => void seen.push('frozen') }),
      );
      const proxied = new Proxy(
        definePlugin({ name: 'proxied', afterModelCall: () => void seen.push('proxied') }),
        {},
      );
      const agent = createAgent({ gemini, model: MODEL, plugins: [frozen, proxied] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('a0');
      expect(seen.sort()).toEqual(['frozen', 'proxied']);
    });
  }
  for (const hook of [
    'beforeModelCall',
    'afterModelCall',
    'checkAnswer',
    'afterToolCall',
    'wrapToolCall',
  ] as const) {
    for (const mode of MODES) {
      it(`${hook} that never settles: the run's abort ends the run, typed (${mode})`, async () => {
        const { gemini } = await serve([turn.call('lookup', { q: 'x' }), turn.text('done')]);
        let entered!: () => void;
        const inHook = new Promise<void>((resolve) => {
          entered = resolve;
        });
        const never = () => {
          entered();
          return new Promise<never>(() => {});
        };
        const plugin = definePlugin({ name: 'stuck', [hook]: never } as never);
        const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [plugin] });
        const controller = new AbortController();
        const ended = outcome(agent, mode, 'Go.', { signal: controller.signal });
        await inHook;
        controller.abort(new Error(`stop ${KEY}`));
        const { error } = await ended;
        expect((error as Error).name).toBe('AgentAbortedError');
      });
    }
  }
  it('a finish reason of 10 MB, one holding the key, a cyclic object: the events carry a bounded reason, a page no key', async () => {
    const cyclic: Record<string, unknown> = { secret: KEY };
    cyclic['self'] = cyclic;
    for (const reason of ['x'.repeat(10_000_000), `stop: ${KEY}`, cyclic]) {
      const { gemini } = await serve(texts(4));
      const plugin = definePlugin({
        name: 'finisher',
        beforeModelCall: () => ({ type: 'finish', reason: reason as string }),
        afterModelCall: (_step, run) => run.finish(reason as string),
      });
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
      const stream = agent.stream('Go.');
      const events: unknown[] = [];
      for await (const event of stream) events.push(event);
      const result = await stream.result;
      const text = JSON.stringify(events);
      // Before: the 10 MB reason reached every event reader and the result whole.
      expect(text.length).toBeLessThan(10_000);
      expect(JSON.stringify(result).length).toBeLessThan(10_000);
      expect(result.stoppedBy?.plugin).toBe('finisher');
      // The run's own reader gets the plugin's words (as it gets the model's); a page does not.
      const page = await new Response(
        toEventStreamResponse(agent.stream('Go.')).body as ReadableStream<Uint8Array>,
      ).text();
      expect(page).not.toContain(KEY);
    }
  });
});
