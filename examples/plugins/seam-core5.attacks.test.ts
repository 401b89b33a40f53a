// A fifth outside pass on the seam (attack-core5): third-party plugins that misbehave in ways the
// earlier passes did not try. Public imports only, against the fake Gemini on 127.0.0.1.
import { type Content, createAgent } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { everything, KEY, lookup, MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

type Sent = { contents: Content[] };
const sentBodies = (fake: Awaited<ReturnType<typeof serve>>['fake']) =>
  fake.modelRequests.map((request) => request.body as Sent);

describe('a plugin that mutates what it handed over', () => {
  for (const mode of MODES) {
    it(`the contents array it was given, changed after the hook returned, changes nothing (${mode})`, async () => {
      const plugin = definePlugin({
        name: 'late-mutator',
        beforeModelCall(call) {
          const given = call.contents as Content[];
          const spoil = () => {
            try {
              given.push({ role: 'user', parts: [{ text: `late ${KEY}` }] });
              given.splice(0, 1);
            } catch {
              // frozen: fine
            }
          };
          queueMicrotask(spoil);
          setTimeout(spoil, 0);
          return undefined;
        },
      });
      const { fake, gemini } = await serve([turn.call('lookup', { q: 'x' }), turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [plugin] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('done');
      const bodies = sentBodies(fake);
      expect(JSON.stringify(bodies)).not.toContain(KEY);
      expect(bodies[1]?.contents[0]).toEqual({ role: 'user', parts: [{ text: 'Go.' }] });
      expect(result?.contents).toHaveLength(4);
      expect(result?.contents[0]).toEqual({ role: 'user', parts: [{ text: 'Go.' }] });
      expect(JSON.stringify(result?.contents)).not.toContain(KEY);
    });
    it(`a wrapModelCall that pushes to its draft's contents leaves the history whole (${mode})`, async () => {
      const plugin = definePlugin({
        name: 'wrap-mutator',
        wrapModelCall(call, next) {
          try {
            (call.contents as Content[]).push({
              role: 'user',
              parts: [{ text: `wrapped ${KEY}` }],
            });
          } catch {
            // frozen: fine
          }
          return next(call);
        },
      });
      const { fake, gemini } = await serve([turn.call('lookup', { q: 'x' }), turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [plugin] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(JSON.stringify(result?.contents)).not.toContain(KEY);
      expect(JSON.stringify(sentBodies(fake))).not.toContain(KEY);
    });
    it(`the call's own contents array mutated by the hook in place (${mode}) leaves the history whole`, async () => {
      const plugin = definePlugin({
        name: 'in-place',
        beforeModelCall(call) {
          try {
            (call.contents as Content[]).push({ role: 'user', parts: [{ text: `pushed ${KEY}` }] });
          } catch {
            // frozen: fine
          }
          return undefined;
        },
      });
      const { fake, gemini } = await serve([turn.call('lookup', { q: 'x' }), turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [plugin] });
      const { result, error } = await outcome(agent, mode, 'Go.');
      // Either refused typed or no effect on the history the run keeps.
      if (error !== undefined) {
        expect(everything(error)).not.toContain(KEY);
        return;
      }
      expect(JSON.stringify(result?.contents)).not.toContain(KEY);
      expect(JSON.stringify(sentBodies(fake))).not.toContain(KEY);
    });
  }
});

describe('a plugin that keeps the run view past the run', () => {
  for (const mode of MODES) {
    it(`run.emit, run.finish and run.trip after the run ended (${mode}): refused or ignored, nothing thrown into the void`, async () => {
      let kept:
        | Parameters<NonNullable<Parameters<typeof definePlugin>[0]['endRun']>>[0]
        | undefined;
      const plugin = definePlugin({
        name: 'keeper',
        endRun(run) {
          kept = run;
        },
      });
      const { gemini } = await serve([turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
      const stream = mode === 'stream' ? agent.stream('Go.') : undefined;
      const events: unknown[] = [];
      if (stream !== undefined) for await (const event of stream) events.push(event);
      const result = stream !== undefined ? await stream.result : await agent.run('Go.');
      expect(result.text).toBe('done');
      const count = events.length;
      const tries: unknown[] = [];
      for (const act of [
        () => kept?.emit('late', { at: 1 }),
        () => kept?.finish('late'),
        () => kept?.trip({ guardrailName: 'late', phase: 'output', reason: KEY }),
      ]) {
        try {
          tries.push(act());
        } catch (error) {
          tries.push(error);
          expect(everything(error)).not.toContain(KEY);
        }
      }
      expect(events.length).toBe(count);
      expect(result.finishReason).toBe('stop');
    });
  }
});

describe('a plugin that emits a million events', () => {
  const chattyAgent = async () => {
    const plugin = definePlugin({
      name: 'chatty',
      afterModelCall(_step, run) {
        for (let index = 0; index < 1_000_000; index++) run.emit('tick', index);
      },
    });
    const { gemini } = await serve([turn.text('done')]);
    return createAgent({ gemini, model: MODEL, plugins: [plugin] });
  };
  it('a run nobody streams holds no event of them (run)', async () => {
    const agent = await chattyAgent();
    const before = process.memoryUsage().heapUsed;
    const result = await agent.run('Go.');
    expect(result.text).toBe('done');
    // A million events kept would be well over 50 MB.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });
  it('a stream read as it goes gets them all, in order, and ends', async () => {
    const agent = await chattyAgent();
    const stream = agent.stream('Go.');
    let ticks = 0;
    let last = -1;
    let ordered = true;
    for await (const event of stream) {
      if (event.type === 'plugin') {
        const data = (event as { data?: unknown }).data as number;
        if (data !== last + 1) ordered = false;
        last = data;
        ticks++;
      }
    }
    expect((await stream.result).text).toBe('done');
    expect(ticks).toBe(1_000_000);
    expect(ordered).toBe(true);
  });
});

describe('wrapEvents that drops or reorders the finish', () => {
  it('dropping every event: the stream still ends and its result resolves', async () => {
    const plugin = definePlugin({ name: 'drop-all', wrapEvents: () => () => {} });
    const { gemini } = await serve([turn.call('lookup', { q: 'x' }), turn.text('done')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [plugin] });
    const stream = agent.stream('Go.');
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    expect((await stream.result).text).toBe('done');
  });
  it('holding every event and replaying them reversed at run-end: the stream ends, the result resolves', async () => {
    const plugin = definePlugin({
      name: 'reverse',
      wrapEvents: (emit) => {
        const held: Parameters<typeof emit>[0][] = [];
        return (event) => {
          held.push(event);
          if (event.type === 'step-end') {
            for (const one of held.splice(0).reverse()) emit(one);
          }
        };
      },
    });
    const { gemini } = await serve([turn.call('lookup', { q: 'x' }), turn.text('done')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [plugin] });
    const stream = agent.stream('Go.');
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    expect((await stream.result).text).toBe('done');
  });
  it('emitting after the stream ended (a timer kept): nothing thrown, the stream stays ended', async () => {
    let late: (() => void) | undefined;
    const plugin = definePlugin({
      name: 'late-emit',
      wrapEvents: (emit) => (event) => {
        late = () => emit(event);
        emit(event);
      },
    });
    const { gemini } = await serve([turn.text('done')]);
    const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
    const stream = agent.stream('Go.');
    for await (const _event of stream);
    await stream.result;
    expect(() => late?.()).not.toThrow();
  });
});

describe('hand-offs and registration', () => {
  for (const mode of MODES) {
    it(`a plugin that hands the run to its own agent after every answer ends (${mode})`, async () => {
      let agent: ReturnType<typeof createAgent> | undefined;
      const plugin = definePlugin({
        name: 'loop-hand-off',
        receivers: () => ({ agent: agent as ReturnType<typeof createAgent> }),
        afterAnswer: () => ({
          type: 'hand-off',
          to: agent as ReturnType<typeof createAgent>,
          contents: [{ role: 'user', parts: [{ text: 'again' }] }],
        }),
      });
      const { fake, gemini } = await serve(() => turn.text('answer'));
      agent = createAgent({ gemini, model: MODEL, plugins: [plugin], maxSteps: 5 });
      const { result, error } = await outcome(agent, mode, 'Go.');
      // maxSteps counts the steps of the agent holding the run; maxHandOffs (25) bounds the rest.
      expect(result).toBeUndefined();
      expect(everything(error)).toContain('maxHandOffs');
      expect(fake.modelRequests.length).toBe(26);
    });
    it(`the same plugin object given twice runs once or is refused typed (${mode})`, async () => {
      let starts = 0;
      const plugin = definePlugin({
        name: 'twice',
        startRun: () => {
          starts++;
          return undefined;
        },
      });
      const { gemini } = await serve([turn.text('done')]);
      let made: ReturnType<typeof createAgent> | undefined;
      try {
        made = createAgent({ gemini, model: MODEL, plugins: [plugin, plugin] });
      } catch (error) {
        expect(String(error)).toMatch(/twice|plugins\[1\]/);
        return;
      }
      const { result } = await outcome(made, mode, 'Go.');
      expect(result?.text).toBe('done');
      expect(starts).toBe(1);
    });
    it(`a startRun that never resolves: the run's abort still ends it (${mode})`, async () => {
      const plugin = definePlugin({ name: 'hang', startRun: () => new Promise<never>(() => {}) });
      const { fake, gemini } = await serve([turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, plugins: [plugin] });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop')), 100);
      const { result, error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
      expect(result).toBeUndefined();
      expect(error).toBeDefined();
      expect(fake.modelRequests).toHaveLength(0);
    }, 10_000);
  }
});
