import {
  DBOSJSON,
  deserializeResError,
  serializeResErrorWithSerializer,
} from '@dbos-inc/dbos-sdk/internal/serialization';
import * as coreErrors from '@gemloop/core/errors';
import {
  ApiCallError,
  ChatStoreLockedError,
  ContinuationError,
  GemloopError,
  GuardrailTrippedError,
  ModelCallError,
  ToolExecutionError,
} from '@gemloop/core/errors';
import { toBrowserError } from '@gemloop/core/internal';
import { ModelCallLimitError, PluginError } from '@gemloop/core/plugins';
import { describe, expect, it } from 'vitest';
import { redactedRunError } from '../durable/worker/redacted-run-error.ts';
import * as dbos from '../index.ts';
import { DurableRunError } from './durable-run-error.ts';
import { storedErrorClassNames, typedStoredError } from './typed-stored-error.ts';

// errors43: a failed durable run's error came back from its row as a plain Error (DBOS revives
// every stored error so), `ApiCallError.isInstance(error.cause)` false where the same run in
// process holds it. Each error below goes the way a run's error goes: the worker's redacted copy,
// DBOS's serialization into the row, DBOS's revival, then typedStoredError.

type AnyRun = ConstructorParameters<typeof ModelCallError>[0]['run'];
const run = { contents: [], newContents: [], steps: [], usage: {} } as unknown as AnyRun;

/** `error` as a caller reads it back from the run's row. */
async function throughRow(error: unknown): Promise<unknown> {
  const { serializedValue } = await serializeResErrorWithSerializer(
    redactedRunError(error, ['AIzaSyRunKey-0123456789abcdef']),
    undefined as never,
    DBOSJSON.name(),
  );
  return typedStoredError(
    await deserializeResError(serializedValue, DBOSJSON.name(), undefined as never),
  );
}

/** A row's error as DBOS revives it from `json`, the error's record as a row's text holds it. */
async function fromText(json: string): Promise<Error> {
  const row = `{"json":${json},"__dbos_serializer":"superjson"}`;
  return (await deserializeResError(row, DBOSJSON.name(), undefined as never)) as Error;
}

/** A row's error as DBOS revives it from `record` (what a hostile row holds). */
function fromRow(record: Record<string, unknown>): Promise<Error> {
  return fromText(JSON.stringify(record));
}

const isClass = (value: unknown): value is typeof GemloopError =>
  typeof value === 'function' &&
  (value === GemloopError || value.prototype instanceof GemloopError);

describe('typedStoredError', () => {
  it("names every public error class of core's errors entry and of @gemloop/dbos", () => {
    const names = storedErrorClassNames();
    const exported = [...Object.entries(coreErrors), ...Object.entries(dbos)]
      .filter(([, value]) => isClass(value))
      .map(([name]) => name);
    expect(exported.length).toBeGreaterThan(50);
    for (const name of exported) expect(names, name).toContain(name);
  });

  it('revives every class of the table from a bare row, whose toJSON and getters then work', async () => {
    // A run's stored error keeps texts, numbers and booleans only: a class whose getter or
    // toJSON walks an array (ApiCallError's `details`, ToolCloseError's `failures`) gets it empty.
    const classes: Record<string, unknown> = {
      ...coreErrors,
      ...dbos,
      ...(await import('@gemloop/core/plugins')),
      ...(await import('@gemloop/core/memory')),
      ...(await import('@gemloop/core/live')),
      ...(await import('@gemloop/core/budget')),
      ...(await import('@gemloop/core/tool-result-cache')),
    };
    // Codes that are not the class's name in kebab case.
    const CODES: Record<string, string> = {
      GemloopError: 'gemloop',
      ModelCallLimitError: 'plugin',
      ModelRequestLimitError: 'model-request-limit',
    };
    for (const name of storedErrorClassNames()) {
      const type = classes[name] as typeof GemloopError;
      const code =
        CODES[name] ??
        name
          .replace(/Error$/, '')
          .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
          .toLowerCase();
      const told = typedStoredError(await fromRow({ name, code, message: 'm' }));
      expect(type.isInstance(told), `${name} (${code})`).toBe(true);
      expect(told, name).toBeInstanceOf(type);
      const error = told as GemloopError & Record<string, unknown>;
      expect(error.name).toBe(name);
      // Nothing the row did not say: a bare PluginError names no hook it did not fail in.
      if (name === 'PluginError') expect(error['hook']).toBe('');
      expect(() => JSON.stringify(error.toJSON()), name).not.toThrow();
      for (let prototype = Object.getPrototypeOf(error); prototype !== Error.prototype; ) {
        for (const [key, descriptor] of Object.entries(
          Object.getOwnPropertyDescriptors(prototype),
        )) {
          if (descriptor.get !== undefined)
            expect(() => error[key], `${name}.${key}`).not.toThrow();
        }
        prototype = Object.getPrototypeOf(prototype);
      }
    }
  });

  it('gives back the class, its code, message and data fields, and its cause chain typed', async () => {
    const api = new ApiCallError({
      message: 'HTTP 503 from https://gateway.internal/v1beta with AIzaSyRunKey-0123456789abcdef',
      url: 'https://gateway.internal/v1beta',
      method: 'generateContent',
      status: 503,
      isRetryable: true,
    });
    const continuation = new ContinuationError({
      reason: 'max-hops',
      hops: 4,
      reconnects: 1,
      message: 'gave up after 4 hops',
      cause: api,
    });
    const told = await throughRow(new ModelCallError({ stepNumber: 2, run, cause: continuation }));
    expect(ModelCallError.isInstance(told)).toBe(true);
    expect(told).toBeInstanceOf(ModelCallError);
    expect(told).toMatchObject({ name: 'ModelCallError', code: 'model-call', stepNumber: 2 });
    const error = told as ModelCallError;
    // The history is not stored with the error: an empty run, so `toJSON()` and `run.steps` work.
    expect(error.run.steps).toEqual([]);
    expect(error.toJSON()).toMatchObject({ code: 'model-call', run: { steps: 0 } });
    expect(ContinuationError.isInstance(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ reason: 'max-hops', hops: 4, reconnects: 1 });
    const apiCause = (error.cause as ContinuationError).cause;
    expect(ApiCallError.isInstance(apiCause)).toBe(true);
    expect(apiCause).toBeInstanceOf(ApiCallError);
    expect(apiCause).toMatchObject({ status: 503, isRetryable: true, method: 'generateContent' });
    // Redacted as stored: the revival adds nothing the row did not hold.
    expect((apiCause as Error).message).not.toContain('AIzaSyRunKey');
    expect((apiCause as Error).message).not.toContain('gateway.internal');
    expect((apiCause as Error).stack).toBe(`ApiCallError: ${(apiCause as Error).message}`);
    // What a page is told of it reads the typed chain as in process: the API's status.
    expect(toBrowserError(apiCause, undefined).message).toBe(
      'The model service answered with an error (HTTP 503).',
    );
  });

  it("keeps the markers of the classes' own checks: plugin, model-call limit, chat store, guardrail", async () => {
    const plugin = await throughRow(
      new PluginError({ plugin: 'audit', hook: 'beforeModelCall', message: 'refused', run }),
    );
    expect(PluginError.isInstance(plugin)).toBe(true);
    expect(plugin).toMatchObject({ code: 'plugin', plugin: 'audit', hook: 'beforeModelCall' });
    expect((plugin as Error).message).toBe('Plugin "audit" failed in beforeModelCall: refused');

    const limit = await throughRow(
      new ModelCallLimitError({ plugin: 'retry', limit: 3, stepNumber: 5, run }),
    );
    expect(ModelCallLimitError.isInstance(limit)).toBe(true);
    expect(PluginError.isInstance(limit)).toBe(true);
    expect(limit).toMatchObject({ name: 'ModelCallLimitError', limit: 3, stepNumber: 5 });

    const locked = await throughRow(
      new ChatStoreLockedError({
        file: '/srv/chats/s-1.jsonl',
        lockFile: '/srv/chats/s-1.jsonl.lock',
        holder: undefined,
        sameProcess: false,
        operation: 'load',
        sessionId: 's-1',
      }),
    );
    expect(ChatStoreLockedError.isInstance(locked)).toBe(true);
    expect(locked).toMatchObject({ sessionId: 's-1', operation: 'load', reason: 'locked' });
    expect(coreErrors.ChatStoreError.isInstance(locked)).toBe(true);

    const tool = await throughRow(
      new ToolExecutionError({ toolName: 'lookup', message: 'down', run } as never),
    );
    expect(ToolExecutionError.isInstance(tool)).toBe(true);
    expect(tool).toMatchObject({ toolName: 'lookup' });

    const durable = await throughRow(
      new DurableRunError({ message: 'ended', runId: 'r-1', status: 'ERROR' }),
    );
    expect(DurableRunError.isInstance(durable)).toBe(true);
    expect(durable).toMatchObject({ runId: 'r-1', status: 'ERROR' });
    expect(GuardrailTrippedError.isInstance(durable)).toBe(false);
  });

  it('leaves a class it does not know as DBOS revived it, name and code kept', async () => {
    class OrderStoreError extends Error {
      override name = 'OrderStoreError';
      readonly code = 'ECONNREFUSED';
    }
    const told = await throughRow(new OrderStoreError('down'));
    expect(GemloopError.isInstance(told)).toBe(false);
    expect(told).toBeInstanceOf(Error);
    expect(told).toMatchObject({ name: 'OrderStoreError', code: 'ECONNREFUSED', message: 'down' });
    for (const thrown of ['text', 42, null, undefined])
      expect(typedStoredError(thrown)).toBe(thrown);
  });

  describe('a hostile row', () => {
    const api = { name: 'ApiCallError', code: 'api-call', message: 'HTTP 503', status: 503 };

    it('is plain, never typed, when its code is not its class`s or its name or code is no text', async () => {
      for (const record of [
        { ...api, code: 'tool-execution' },
        { ...api, code: 7 },
        { ...api, code: undefined },
        { ...api, name: 'Object' },
        { ...api, name: 'hasOwnProperty' },
        { ...api, name: '__proto__' },
        { ...api, message: ['HTTP 503'] },
      ]) {
        const stored = await fromRow(record);
        const told = typedStoredError(stored);
        expect(told, JSON.stringify(record)).toBe(stored);
        expect(GemloopError.isInstance(told)).toBe(false);
      }
    });

    it('is plain when a field is huge, too many, not plain data, of the wrong type, or one the class defines', async () => {
      const many = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`f${index}`, 1]));
      for (const record of [
        { ...api, body: 'x'.repeat(100_001) },
        { ...api, items: Array.from({ length: 101 }, () => 1) },
        { ...api, ...many },
        { ...api, nested: JSON.parse('{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}') },
        { ...api, toJSON: 'not a function' },
        // A field callers branch on, of another type than its class gives it.
        { ...api, status: '503' },
        { ...api, isRetryable: 1 },
        { ...api, details: [null] },
        { ...api, details: 'RetryInfo' },
        {
          name: 'GuardrailTrippedError',
          code: 'guardrail-tripped',
          message: 'x',
          phase: ['input'],
        },
        { name: 'ToolExecutionError', code: 'tool-execution', message: 'x', toolName: { a: 1 } },
        { ...api, isRetryable: 'yes', constructor: 'x' },
        { name: 'ModelCallError', code: 'model-call', message: 'x', run: { steps: 'x' } },
      ]) {
        const stored = await fromRow(record);
        expect(typedStoredError(stored), Object.keys(record).join()).toBe(stored);
      }
    });

    it('never pollutes a prototype through `__proto__`, at the top or nested', async () => {
      const cases: [string, boolean][] = [
        // DBOS's revival drops a `__proto__` key, top-level or nested: the rest is a sound
        // ApiCallError (its `data` an empty object).
        [
          '{"name":"ApiCallError","code":"api-call","message":"m","__proto__":{"polluted":true}}',
          true,
        ],
        [
          '{"name":"ApiCallError","code":"api-call","message":"m","data":{"__proto__":{"polluted":true}}}',
          true,
        ],
        // A key Object.prototype has, nested: not the revival's to copy.
        [
          '{"name":"ApiCallError","code":"api-call","message":"m","data":[{"constructor":{"prototype":{"polluted":true}}}]}',
          false,
        ],
      ];
      for (const [text, typed] of cases) {
        const told = typedStoredError(await fromText(text));
        expect(ApiCallError.isInstance(told), text).toBe(typed);
        expect((told as Record<string, unknown>)['polluted']).toBeUndefined();
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        expect(
          (ApiCallError.prototype as unknown as Record<string, unknown>)['polluted'],
        ).toBeUndefined();
      }
      // An own `__proto__` key on the stored error itself (a revival other than DBOS's).
      const stored = new Error('m');
      Object.defineProperty(stored, 'name', { value: 'ApiCallError' });
      for (const [key, value] of [
        ['code', 'api-call'],
        ['__proto__', { polluted: true }],
      ] as const)
        Object.defineProperty(stored, key, { value, enumerable: true });
      expect(typedStoredError(stored)).toBe(stored);
      expect(
        (ApiCallError.prototype as unknown as Record<string, unknown>)['polluted'],
      ).toBeUndefined();
    });

    it('revives a cause chain that loops no deeper than 8 links', async () => {
      let record: Record<string, unknown> = { ...api };
      for (let index = 0; index < 20; index++) record = { ...api, cause: record };
      let depth = 0;
      for (
        let link: unknown = typedStoredError(await fromRow(record));
        ApiCallError.isInstance(link);
        link = link.cause
      )
        depth++;
      expect(depth).toBe(8);
    });

    it('reads no getter of the stored error', () => {
      const stored = new Error('m');
      Object.defineProperty(stored, 'name', { value: 'ApiCallError' });
      Object.defineProperty(stored, 'code', {
        get() {
          throw new Error('read');
        },
        enumerable: true,
      });
      expect(typedStoredError(stored)).toBe(stored);
    });
  });
});
