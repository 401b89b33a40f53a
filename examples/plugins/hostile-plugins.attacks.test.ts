// Hostile and buggy third-party plugins on the seam (attack42a): hooks that never settle (endRun,
// thenables that never call back), settle twice, keep `next` past their return, hand back sparse
// or garbage contents and outcomes, or share one plugin object between two agents running at
// once. Public imports only, against the fake Gemini on 127.0.0.1, run and stream alike.
import { getEventListeners } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, defineTool } from '@gemloop/core';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { subagent } from '@gemloop/core/composition';
import { AgentAbortedError } from '@gemloop/core/errors';
import { definePlugin, PluginError } from '@gemloop/core/plugins';
import { createRunRecorder } from '@gemloop/core/recorder';
import { turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  everything,
  KEY,
  lookup,
  MODEL,
  MODES,
  outcome,
  serve,
  spansAsText,
} from './outside-attack-kit.ts';

/** A thenable that never calls back: `await` on it waits for ever unless the run races it. */
const silentThenable = (): PromiseLike<never> => ({
  // biome-ignore lint/suspicious/noThenProperty: a thenable that never calls back, on purpose.
  then: () => undefined as never,
});

describe.each(MODES)('hooks that never settle (%s)', (mode) => {
  it('an endRun that never settles: the abort that comes during it ends the run, nothing left listening', async () => {
    const { fake, gemini } = await serve([turn.text('Done.')]);
    const controller = new AbortController();
    let ending = false;
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'stuck-cleanup',
          endRun: () => {
            ending = true;
            // The caller gives up once the run is stuck here (no timer: a load-proof order).
            queueMicrotask(() => controller.abort(new Error('caller stopped')));
            return new Promise<never>(() => {});
          },
        }),
      ],
    });
    const { result, error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
    expect(ending).toBe(true);
    expect(result).toBeUndefined();
    // The caller's abort, not the plugin's failure; the history kept.
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect((error as AgentAbortedError).run.contents.at(-1)?.role).toBe('model');
    expect(fake.modelRequests).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  }, 20_000);

  it('an endRun after the abort still runs to its end before the run rejects (cleanup is not cut)', async () => {
    const { gemini } = await serve([turn.text('never')]);
    const controller = new AbortController();
    const cleaned: string[] = [];
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'cleanup',
          beforeModelCall: () => controller.abort(new Error('caller stopped')),
          endRun: async () => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            cleaned.push('done');
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(cleaned).toEqual(['done']);
  }, 20_000);

  for (const hook of ['beforeModelCall', 'checkAnswer', 'afterAnswer', 'beforeToolCall'] as const) {
    it(`a ${hook} returning a thenable that never calls back: the abort ends the run`, async () => {
      const { fake, gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('Done.')]);
      const controller = new AbortController();
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        plugins: [
          definePlugin({
            name: 'silent',
            [hook]: () => {
              queueMicrotask(() => controller.abort(new Error('caller stopped')));
              return silentThenable();
            },
          }),
        ],
      });
      const { result, error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
      expect(result).toBeUndefined();
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect(fake.modelRequests.length).toBeLessThanOrEqual(2);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    }, 20_000);
  }

  it('a thenable that calls back twice (finish, then a rejection holding the key, then junk): the first settles it', async () => {
    const { gemini } = await serve([turn.text('Done.'), turn.text('never')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'twice',
          afterAnswer: () =>
            ({
              // biome-ignore lint/suspicious/noThenProperty: a thenable that calls back twice, on purpose.
              then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
                resolve({ type: 'finish', reason: 'first' });
                reject(new Error(KEY));
                resolve({ type: 'bogus' });
              },
            }) as never,
        }),
      ],
    });
    const { result, error } = await outcome(agent, mode, 'Go.');
    expect(error).toBeUndefined();
    expect(result?.finishReason).toBe('plugin');
    expect(result?.stoppedBy).toEqual({ plugin: 'twice', reason: 'first' });
  });

  it('a thenable whose `then` getter throws the key: the PluginError naming the hook, the key nowhere', async () => {
    const { gemini } = await serve([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'getter',
          beforeModelCall: () =>
            ({
              // biome-ignore lint/suspicious/noThenProperty: a `then` getter that throws, on purpose.
              get then() {
                throw new Error(`then ${KEY}`);
              },
            }) as never,
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).hook).toBe('beforeModelCall');
    expect(everything(error)).not.toContain(KEY);
  });
});

describe.each(MODES)('a wrapper that keeps next past its return (%s)', (mode) => {
  it('wrapModelCall: the kept next sends nothing after the run, refused naming the plugin', async () => {
    const { fake, gemini } = await serve([turn.text('Done.'), turn.text('Late.')]);
    let kept: (() => Promise<unknown>) | undefined;
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'keeper',
          wrapModelCall: (call, next) => {
            kept = () => next(call);
            return next(call);
          },
        }),
      ],
    });
    const { result } = await outcome(agent, mode, 'Go.');
    expect(result?.text).toBe('Done.');
    const late = await kept?.().catch((error: unknown) => error);
    expect(PluginError.isInstance(late)).toBe(true);
    expect((late as PluginError).plugin).toBe('keeper');
    expect((late as PluginError).hook).toBe('wrapModelCall');
    expect(fake.modelRequests).toHaveLength(1);
  });

  it('wrapModelCall: a next kept from step 1 and called in step 2 is refused; the run goes on', async () => {
    const { fake, gemini } = await serve([
      turn.call('lookup', { q: 'a' }),
      turn.text('Done.'),
      turn.text('never'),
    ]);
    let kept: (() => Promise<unknown>) | undefined;
    let late: unknown;
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookup],
      plugins: [
        definePlugin({
          name: 'keeper',
          wrapModelCall: async (call, next) => {
            if (kept === undefined) kept = () => next(call);
            else late = await kept().catch((error: unknown) => error);
            return next(call);
          },
        }),
      ],
    });
    const { result } = await outcome(agent, mode, 'Go.');
    expect(result?.text).toBe('Done.');
    expect(PluginError.isInstance(late)).toBe(true);
    expect(fake.modelRequests).toHaveLength(2);
  });

  it('wrapToolCall: the kept next does not run the tool after the run', async () => {
    const { gemini } = await serve([turn.call('counted', { q: 'a' }), turn.text('Done.')]);
    let runs = 0;
    const counted = defineTool({
      name: 'counted',
      description: 'Counts its runs.',
      parameters: z.object({ q: z.string() }),
      execute: ({ q }) => {
        runs++;
        return { found: q };
      },
    });
    let kept: (() => Promise<unknown>) | undefined;
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [counted],
      plugins: [
        definePlugin({
          name: 'keeper',
          wrapToolCall: (_call, next) => {
            kept = next;
            return next();
          },
        }),
      ],
    });
    const { result } = await outcome(agent, mode, 'Go.');
    expect(result?.text).toBe('Done.');
    expect(runs).toBe(1);
    const late = await kept?.().catch((error: unknown) => error);
    expect(PluginError.isInstance(late)).toBe(true);
    expect((late as PluginError).hook).toBe('wrapToolCall');
    expect(runs).toBe(1);
  });
});

describe.each(MODES)('contents and outcomes that are not what the hook returns (%s)', (mode) => {
  // A sparse list's hole passed `every` and reached the client, which refused it naming no plugin.
  const sparse = (): unknown[] => {
    const list: unknown[] = [];
    list[1] = { role: 'user', parts: [{ text: 'x' }] };
    return list;
  };
  it('beforeModelCall with a sparse contents list: its PluginError, nothing sent', async () => {
    const { fake, gemini } = await serve([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({ name: 'holes', beforeModelCall: () => ({ contents: sparse() }) as never }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).plugin).toBe('holes');
    expect((error as PluginError).hook).toBe('beforeModelCall');
    expect(fake.modelRequests).toHaveLength(0);
  });
  for (const part of [undefined, null, 'text']) {
    it(`beforeModelCall with a part that is ${String(part)}: its PluginError, nothing sent`, async () => {
      const { fake, gemini } = await serve([turn.text('Done.')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [
          definePlugin({
            name: 'parts',
            beforeModelCall: () => ({ contents: [{ role: 'user', parts: [part] }] }) as never,
          }),
        ],
      });
      const { error } = await outcome(agent, mode, 'Go.');
      expect(PluginError.isInstance(error)).toBe(true);
      expect((error as PluginError).plugin).toBe('parts');
      expect(fake.modelRequests).toHaveLength(0);
    });
  }
  it('afterAnswer run-again with a sparse contents list: its PluginError, nothing more sent', async () => {
    const { fake, gemini } = await serve([turn.text('Done.'), turn.text('never')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'holes',
          afterAnswer: () => ({ type: 'run-again', contents: sparse() }) as never,
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).hook).toBe('afterAnswer');
    expect(fake.modelRequests).toHaveLength(1);
  });

  const garbage: [string, () => unknown][] = [
    ['an unknown type', () => ({ type: 'bogus' })],
    ['a hand-off to a name, not an agent', () => ({ type: 'hand-off', to: 'nobody' })],
    [
      'a hand-off to an object with a run()',
      () => ({ type: 'hand-off', to: { run: async () => 'x' } }),
    ],
    ['a run-again without contents', () => ({ type: 'run-again' })],
    [
      'a run-again whose parts are undefined',
      () => ({ type: 'run-again', contents: [{ role: 'user' }] }),
    ],
  ];
  for (const [label, make] of garbage) {
    it(`afterAnswer returning ${label}: its PluginError, nothing more sent`, async () => {
      const { fake, gemini } = await serve([turn.text('Done.'), turn.text('never')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [definePlugin({ name: 'junk', afterAnswer: make as never })],
      });
      const { error } = await outcome(agent, mode, 'Go.');
      expect(PluginError.isInstance(error)).toBe(true);
      expect((error as PluginError).plugin).toBe('junk');
      expect((error as PluginError).hook).toBe('afterAnswer');
      expect(fake.modelRequests).toHaveLength(1);
    });
  }

  const finishes: [string, () => unknown][] = [
    ['frozen', () => Object.freeze({ type: 'finish', reason: 'frozen' })],
    [
      'a Promise of a Promise',
      () => Promise.resolve(Promise.resolve({ type: 'finish', reason: 'frozen' })),
    ],
  ];
  for (const [label, make] of finishes) {
    it(`afterAnswer returning a finish that is ${label}: taken as it is`, async () => {
      const { gemini } = await serve([turn.text('Done.'), turn.text('never')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [definePlugin({ name: 'ender', afterAnswer: make as never })],
      });
      const { result } = await outcome(agent, mode, 'Go.');
      expect(result?.stoppedBy).toEqual({ plugin: 'ender', reason: 'frozen' });
    });
  }

  it('a finish reason of 5 MB holding the key: bounded in the result', async () => {
    const { gemini } = await serve([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'ender',
          afterAnswer: () => ({ type: 'finish', reason: `${'x'.repeat(5_000_000)} ${KEY}` }),
        }),
      ],
    });
    const { result } = await outcome(agent, mode, 'Go.');
    expect(result?.stoppedBy?.reason.length).toBeLessThanOrEqual(1_003);
    expect(JSON.stringify(result?.stoppedBy)).not.toContain(KEY);
  });
});

describe.each(MODES)('one plugin object on two agents running at once (%s)', (mode) => {
  it('each run keeps its own state: nothing leaks between the runs', async () => {
    const { gemini } = await serve(Array.from({ length: 6 }, () => turn.text('Done.')));
    const seen: string[] = [];
    const shared = definePlugin<{ owner: string; calls: number }>({
      name: 'shared',
      startRun: (run) => ({ owner: run.agentName, calls: 0 }),
      async beforeModelCall(_call, run) {
        run.state.calls++;
        // Let the other runs interleave here.
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(`${run.agentName}=${run.state.owner}:${run.state.calls}`);
      },
    });
    const first = createAgent({ gemini, model: MODEL, name: 'first', plugins: [shared] });
    const second = createAgent({ gemini, model: MODEL, name: 'second', plugins: [shared] });
    const outcomes = await Promise.all([
      outcome(first, mode, 'a'),
      outcome(second, mode, 'b'),
      outcome(first, mode, 'c'),
    ]);
    expect(outcomes.map(({ result }) => result?.text)).toEqual(['Done.', 'Done.', 'Done.']);
    expect(seen.sort()).toEqual(['first=first:1', 'first=first:1', 'second=second:1']);
  });
});

/** A plugin whose first `endRun` never settles and aborts `controller` once it is stuck there. */
function stuckOnce(controller: AbortController) {
  let stuck = false;
  return definePlugin({
    name: 'stuck-once',
    endRun: () => {
      if (stuck) return;
      stuck = true;
      queueMicrotask(() => controller.abort(new Error('caller stopped')));
      return new Promise<never>(() => {});
    },
  });
}

describe.each(['send', 'sendStream'] as const)(
  'an endRun that never settles in a chat (%s)',
  (mode) => {
    it('the aborted send ends, and the next send of the session is not held behind it', async () => {
      const { gemini } = await serve([turn.text('First.'), turn.text('Second.')]);
      const controller = new AbortController();
      const agent = createAgent({ gemini, model: MODEL, plugins: [stuckOnce(controller)] });
      const chat = createChatSession({ agent, store: createMemoryHistoryStore(), id: 'c' });
      const send = async (text: string, signal?: AbortSignal) => {
        if (mode === 'send') return chat.send(text, { signal });
        const stream = chat.sendStream(text, { signal });
        for await (const _event of stream);
        return stream.result;
      };
      const first = await send('Hi', controller.signal).catch((error: unknown) => error);
      expect(AgentAbortedError.isInstance(first)).toBe(true);
      const second = await send('Again');
      expect(second.text).toBe('Second.');
    }, 20_000);
  },
);

describe.each(MODES)('an endRun that never settles in a subagent (%s)', (mode) => {
  it("the parent's abort during the child's endRun ends the parent", async () => {
    const child = await serve([turn.text('Child done.')]);
    const parent = await serve([turn.call('helper', { task: 'help' }), turn.text('never')]);
    const controller = new AbortController();
    const helper = createAgent({
      gemini: child.gemini,
      model: MODEL,
      name: 'helper',
      plugins: [stuckOnce(controller)],
    });
    const agent = createAgent({
      gemini: parent.gemini,
      model: MODEL,
      tools: [subagent(helper, { name: 'helper', description: 'Helps.' })],
    });
    const { result, error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
    expect(result).toBeUndefined();
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(child.fake.modelRequests).toHaveLength(1);
    expect(parent.fake.modelRequests).toHaveLength(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  }, 20_000);
});

/** A database URL with its password, and another party's Google key: what a plugin's error may quote. */
const PASSWORD = 's3cretPassw0rd';
const FOREIGN_KEY = `AIza${'Q'.repeat(35)}`;

describe.each(MODES)("a hook's error quoting a database URL and a key (%s)", (mode) => {
  for (const hook of ['beforeModelCall', 'wrapToolCall', 'endRun'] as const) {
    it(`${hook}: no password or key in the events, spans, recording or logs`, async () => {
      const { gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('Done.')]);
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack42a-'));
      const recorder = createRunRecorder({ dir, fidelity: 'full' });
      const lines: string[] = [];
      const log = (fields: object, message?: string) =>
        lines.push(`${message} ${everything(fields)}`);
      const logger = { child: () => logger, debug: log, info: log, warn: log, error: log };
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        logger,
        recorder,
        telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
        plugins: [
          definePlugin({
            name: 'db',
            [hook]: () => {
              throw new Error(
                `connect postgres://app:${PASSWORD}@db.internal:5432/prod failed (${FOREIGN_KEY}, ${KEY})`,
              );
            },
          }),
        ],
      });
      const events: unknown[] = [];
      let error: unknown;
      if (mode === 'run') error = (await outcome(agent, mode, 'Go.')).error;
      else {
        const stream = agent.stream('Go.');
        try {
          for await (const event of stream) events.push(event);
          await stream.result;
        } catch (failure) {
          error = failure;
        }
      }
      await recorder.flush();
      const recorded = (
        await Promise.all((await readdir(dir)).map((file) => readFile(join(dir, file), 'utf8')))
      ).join('\n');
      await rm(dir, { recursive: true, force: true });
      expect(PluginError.isInstance(error)).toBe(true);
      expect((error as PluginError).hook).toBe(hook);
      // The caller's error: the client's key and any Google key's shape redacted.
      expect(everything(error)).not.toContain(KEY);
      expect(everything(error)).not.toContain(FOREIGN_KEY);
      expect(recorded.length).toBeGreaterThan(0);
      for (const [where, text] of [
        ['events', JSON.stringify(events)],
        ['spans', spansAsText(exporter.getFinishedSpans())],
        ['recording', recorded],
        ['logs', lines.join('\n')],
      ] as const) {
        expect(text, where).not.toContain(PASSWORD);
        expect(text, where).not.toContain(FOREIGN_KEY);
        expect(text, where).not.toContain(KEY);
      }
    });
  }

  it('a hook that rejects with the key after the run was aborted: no unhandled rejection, the run ended', async () => {
    const { gemini } = await serve([turn.text('never')]);
    const controller = new AbortController();
    let rejectLate: (error: unknown) => void = () => {};
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'late',
          beforeModelCall: () => {
            queueMicrotask(() => controller.abort(new Error('caller stopped')));
            return new Promise<never>((_resolve, reject) => {
              rejectLate = reject;
            });
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    // Vitest fails the file on an unhandled rejection: the raced hook's is caught.
    rejectLate(new Error(`late ${KEY}`));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(everything(error)).not.toContain(KEY);
  });
});

describe.each(MODES)('a wrapEvents whose emit never settles (%s)', (mode) => {
  it('the abort ends the run: the producer waiting on it is let go (a unary run never waits)', async () => {
    const { fake, gemini } = await serve([turn.text('Done, at length.')]);
    const controller = new AbortController();
    // Spans make a unary run's events go somewhere, so its wrapEvents runs too.
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
    });
    let waited = 0;
    const agent = createAgent({
      gemini,
      model: MODEL,
      telemetry: { tracerProvider },
      plugins: [
        definePlugin({
          name: 'stuck-events',
          // A streamed answer's text waits on what the wrapper returns (a slow reader's room).
          wrapEvents: () => (event) => {
            if (event.type === 'text-delta' && waited++ === 0)
              queueMicrotask(() => controller.abort(new Error('caller stopped')));
            return new Promise<never>(() => {});
          },
        }),
      ],
    });
    const { result, error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
    if (mode === 'run') {
      // A unary run waits on no event (no reader to make room for): it ends as answered.
      expect(result?.text).toBe('Done, at length.');
    } else {
      expect(waited).toBe(1);
      expect(result).toBeUndefined();
      expect(AgentAbortedError.isInstance(error)).toBe(true);
    }
    expect(fake.modelRequests.length).toBeLessThanOrEqual(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  }, 20_000);
});
