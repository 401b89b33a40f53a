import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import type { AgentOptions } from '../agent/config/agent-options.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createMemoryToolResultStore } from './create-memory-tool-result-store.ts';
import { toolResultCache } from './tool-result-cache.ts';
import { ToolResultCacheError } from './tool-result-cache-error.ts';
import type { ToolResultStore } from './tool-result-store.ts';

// Attack (econ2, economy68's leftover): the store behind a fleet cache is down (Postgres stopped,
// its URL with a password in the driver's message). A cache is an optimisation, yet a `get` or a
// `set` that threw ended the whole run as a PluginError. A read that fails runs the tool uncached,
// a write that fails keeps the tool's result: each a `skip` event, `reason: 'store-error'`, naming
// the operation and no word of the store's message. An invalidation that fails after a write tool
// still ends the run (stale data would be served later), as a typed ToolResultCacheError naming the
// tool, without the store's words.

const SECRET = 'postgres://app:hunter2-s3cret@db.internal:5432/cache';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

type Failing = 'get' | 'set' | 'invalidate';
/** A memory store whose `failing` operation throws (`sync`) or rejects with the secret URL. */
function downStore(failing: Failing, sync: boolean): ToolResultStore {
  const inner = createMemoryToolResultStore();
  const fail = (): never => {
    throw new Error(`connect ECONNREFUSED 127.0.0.1:5432 (${SECRET})`);
  };
  const wrap =
    <A extends unknown[], R>(name: Failing, method: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (name !== failing) return method(...args);
      if (sync) return fail();
      return Promise.resolve().then(fail);
    };
  return {
    get: wrap('get', inner.get.bind(inner)),
    set: wrap('set', inner.set.bind(inner)),
    delete: inner.delete.bind(inner),
    invalidate: wrap('invalidate', inner.invalidate.bind(inner)),
  };
}

async function runWith(
  store: ToolResultStore,
  streamed: boolean,
  script: ReturnType<typeof turn.text>[],
  {
    signal,
    telemetry,
    storeTimeoutMs,
  }: {
    signal?: AbortSignal;
    telemetry?: AgentOptions['telemetry'];
    storeTimeoutMs?: number;
  } = {},
) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  const asked: string[] = [];
  const find = defineTool({
    name: 'find',
    description: 'Finds.',
    parameters: z.object({ q: z.string() }),
    execute: ({ q }) => {
      asked.push(q);
      return { found: q };
    },
  });
  const edit = defineTool({
    name: 'edit',
    description: 'Edits.',
    parameters: z.object({ q: z.string() }),
    execute: ({ q }) => ({ edited: q }),
  });
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
    model: 'gemini-2.5-flash',
    tools: [find, edit],
    telemetry: telemetry ?? false,
  });
  const plugins = [
    toolResultCache({
      scope: 'fleet',
      store,
      user: 'u1',
      ...(storeTimeoutMs === undefined ? {} : { storeTimeoutMs }),
      tools: {
        find: { effect: 'read', tags: ['docs'] },
        edit: { effect: 'write', invalidates: { tags: ['docs'] } },
      },
    }),
  ];
  const events: AgentEvent[] = [];
  let error: unknown;
  let text: string | undefined;
  try {
    if (streamed) {
      const stream = agent.stream('Go.', { plugins, signal });
      for await (const event of stream) events.push(event as AgentEvent);
      text = (await stream.result).text;
    } else text = (await agent.run('Go.', { plugins, signal })).text;
  } catch (caught) {
    error = caught;
  }
  const skips = events
    .filter((e): e is PluginEvent => e.type === 'plugin' && e.kind === 'skip')
    .map(({ data }) => data);
  return { fake, asked, events, error, text, skips };
}

describe('toolResultCache with a store that is down', () => {
  for (const failing of ['get', 'set'] as const)
    for (const sync of [false, true])
      for (const streamed of [false, true])
        it(`(${streamed ? 'streamed' : 'unary'}) runs the tool and finishes when ${failing} ${sync ? 'throws' : 'rejects'}`, async () => {
          const { fake, asked, events, error, text, skips } = await runWith(
            downStore(failing, sync),
            streamed,
            [
              turn.call('find', { q: 'apples' }),
              turn.call('find', { q: 'apples' }),
              turn.text('Done.'),
            ],
          );
          expect(error).toBeUndefined();
          expect(text).toBe('Done.');
          // Nothing was served from the store: the tool ran both times.
          expect(asked).toEqual(['apples', 'apples']);
          expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain('{"found":"apples"}');
          if (streamed) {
            expect(skips).toEqual([
              { toolName: 'find', reason: 'store-error', operation: failing, error: 'Error' },
              { toolName: 'find', reason: 'store-error', operation: failing, error: 'Error' },
            ]);
            expect(JSON.stringify(events)).not.toContain('hunter2');
          }
        });

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) ends the run, typed and without the store's words, when an invalidation after a write fails`, async () => {
      const { asked, events, error } = await runWith(downStore('invalidate', false), streamed, [
        turn.call('find', { q: 'apples' }),
        turn.call('edit', { q: 'apples' }),
        turn.call('find', { q: 'apples' }),
        turn.text('Done.'),
      ]);
      expect(asked).toEqual(['apples']);
      expect(PluginError.isInstance(error)).toBe(true);
      const cause = (error as PluginError).cause;
      expect(ToolResultCacheError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({
        reason: 'store-error',
        toolName: 'edit',
        operation: 'invalidate',
      });
      expect((error as Error).message).toContain('edit');
      expect((error as Error).message).not.toContain('hunter2');
      expect(JSON.stringify(events)).not.toContain('hunter2');
    });

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) ends as aborted when a get never settles and the run is aborted`, async () => {
      const controller = new AbortController();
      const store: ToolResultStore = {
        ...createMemoryToolResultStore(),
        get: () => {
          setTimeout(() => controller.abort(new Error('user stop')), 0);
          return new Promise(() => {});
        },
      };
      const { asked, error } = await runWith(
        store,
        streamed,
        [turn.call('find', { q: 'a' }), turn.text('Done.')],
        { signal: controller.signal },
      );
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect(asked).toEqual([]);
      expect(controller.signal.aborted).toBe(true);
    }, 10_000);

  for (const recordContent of [false, true])
    it(`shows each store failure on the run span${recordContent ? ', with its data' : ''}, without the store's words`, async () => {
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const { error } = await runWith(
        downStore('get', false),
        false,
        [turn.call('find', { q: 'apples' }), turn.text('Done.')],
        { telemetry: { tracerProvider, conventions: 'latest', recordContent } },
      );
      expect(error).toBeUndefined();
      const runSpan = exporter
        .getFinishedSpans()
        .find((span) => span.name.startsWith('invoke_agent'));
      const events = (runSpan?.events ?? [])
        .filter((event) => event.name === 'gemloop.plugin')
        .map((event) => event.attributes ?? {});
      expect(events.map((event) => event['gemloop.plugin.kind'])).toEqual(['skip']);
      if (recordContent)
        expect(JSON.parse(String(events[0]?.['gemloop.plugin.data']))).toEqual({
          toolName: 'find',
          reason: 'store-error',
          operation: 'get',
          error: 'Error',
        });
      expect(JSON.stringify(exporter.getFinishedSpans().map((span) => span.events))).not.toContain(
        'hunter2',
      );
    });

  // core2 (econ2's leftover): a store call that never settles (a pool waiting for a connection
  // that never comes) held the run until it was aborted. After `storeTimeoutMs` it counts as a
  // failed call: a read or a keep goes on uncached (`skip`, `error: 'TimeoutError'`), a failed
  // invalidation ends the run typed. The limit is set to 1 ms and the store never answers, so the
  // assertions hold at any load: only that the run ends does the limit decide.
  const hanging = (operation: 'get' | 'set' | 'delete' | 'invalidate'): ToolResultStore => {
    const inner = createMemoryToolResultStore();
    const never = () => new Promise<never>(() => {});
    return {
      // For `delete`: an expired entry, which the cache drops before running the tool.
      get:
        operation === 'get'
          ? never
          : operation === 'delete'
            ? async () => ({ toolName: 'find', text: '{}', tags: [], expiresAt: 1, digest: '' })
            : inner.get.bind(inner),
      set: operation === 'set' ? never : inner.set.bind(inner),
      delete: operation === 'delete' ? never : inner.delete.bind(inner),
      invalidate: operation === 'invalidate' ? never : inner.invalidate.bind(inner),
    };
  };

  for (const operation of ['get', 'set', 'delete'] as const)
    for (const streamed of [false, true])
      it(`(${streamed ? 'streamed' : 'unary'}) runs the tool uncached and finishes when ${operation} never settles`, async () => {
        const { asked, error, text, skips } = await runWith(
          hanging(operation),
          streamed,
          [turn.call('find', { q: 'apples' }), turn.text('Done.')],
          { storeTimeoutMs: 1 },
        );
        expect(error).toBeUndefined();
        expect(text).toBe('Done.');
        expect(asked).toEqual(['apples']);
        if (streamed)
          expect(skips).toEqual([
            { toolName: 'find', reason: 'store-error', operation, error: 'TimeoutError' },
          ]);
      }, 10_000);

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) ends the run typed when an invalidation never settles`, async () => {
      const { asked, error } = await runWith(
        hanging('invalidate'),
        streamed,
        [turn.call('edit', { q: 'apples' }), turn.text('Done.')],
        { storeTimeoutMs: 1 },
      );
      expect(asked).toEqual([]);
      expect(PluginError.isInstance(error)).toBe(true);
      expect((error as PluginError).cause).toMatchObject({
        reason: 'store-error',
        toolName: 'edit',
        operation: 'invalidate',
        storeError: 'TimeoutError',
      });
    }, 10_000);

  it('refuses a storeTimeoutMs that is no positive number of milliseconds, naming the option', () => {
    for (const storeTimeoutMs of [0, -1, Number.NaN, '5000', 2 ** 31])
      expect(() =>
        toolResultCache({
          tools: { find: { effect: 'read' } },
          storeTimeoutMs: storeTimeoutMs as number,
        }),
      ).toThrow(/toolResultCache\.storeTimeoutMs must be/);
  });
});
