import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { GemloopError } from '../errors/gemloop-error.ts';
import { describeThrown } from './describe-thrown.ts';
import { scrubSecrets } from './scrub-secrets.ts';

const KEY = 'AIzaScrubTest-0123456789';

function everyRendering(value: unknown): string {
  return [
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    safeJson(value),
    value instanceof Error ? `${value.message}\n${value.stack ?? ''}` : '',
  ].join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

describe('scrubSecrets', () => {
  it('returns the very value when no secret occurs in it', () => {
    const error = new Error('plain', { cause: { code: 'ECONNRESET' } });
    expect(scrubSecrets(error, [KEY])).toBe(error);
    const data = { a: [1, 'two'] };
    expect(scrubSecrets(data, [KEY])).toBe(data);
  });

  it('removes the key from the message, stack and a deep cause chain, leaving the original untouched', () => {
    const inner = new TypeError(`headers were {"x-goog-api-key":"${KEY}"}`);
    const error = new Error('fetch failed', {
      cause: { request: { headers: { key: KEY } }, inner },
    });
    const scrubbed = scrubSecrets(error, [KEY]);

    expect(everyRendering(scrubbed)).not.toContain(KEY);
    expect(everyRendering(scrubbed)).toContain('[redacted]');
    expect(scrubbed).toBeInstanceOf(Error);
    expect(scrubbed.message).toBe('fetch failed');
    const cause = scrubbed.cause as { inner: Error };
    expect(cause.inner).toBeInstanceOf(TypeError);
    expect(cause.inner.message).toBe('headers were {"x-goog-api-key":"[redacted]"}');
    // The caller's error is not changed.
    expect(inspect(error, { depth: 10 })).toContain(KEY);
  });

  it('keeps a gemloop error a gemloop error of the same class', () => {
    const error = new ApiCallError({
      message: 'failed',
      url: 'https://x',
      method: 'generateContent',
      isRetryable: false,
      responseBody: `echo ${KEY}`,
      cause: new Error(`inner ${KEY}`),
    });
    const scrubbed = scrubSecrets(error, [KEY]);
    expect(ApiCallError.isInstance(scrubbed)).toBe(true);
    expect(GemloopError.isInstance(scrubbed)).toBe(true);
    expect(scrubbed).toBeInstanceOf(ApiCallError);
    expect(scrubbed.responseBody).toBe('echo [redacted]');
    expect(everyRendering(scrubbed)).not.toContain(KEY);
    expect(scrubbed.toJSON()).toMatchObject({ name: 'ApiCallError', code: 'api-call' });
  });

  it('copies cycles, getters that throw and Headers without failing', () => {
    const cyclic: Record<string, unknown> = { key: KEY };
    cyclic['self'] = cyclic;
    const withGetter = Object.defineProperty({ key: KEY }, 'boom', {
      get() {
        throw new Error('no');
      },
      enumerable: true,
    });
    const headers = new Headers({ 'x-goog-api-key': KEY, 'x-trace': `t-${KEY}`, accept: 'a' });
    const scrubbed = scrubSecrets({ cyclic, withGetter, headers }, [KEY]);
    expect(everyRendering(scrubbed)).not.toContain(KEY);
    expect((scrubbed.cyclic as Record<string, unknown>)['self']).toBe(scrubbed.cyclic);
    expect(scrubbed.headers).toEqual({ 'x-trace': 't-[redacted]', accept: 'a' });
  });

  it('ignores empty secrets and stand-ins too short to be a key, which would mangle words', () => {
    const value = { a: 'text' };
    expect(scrubSecrets(value, [''])).toBe(value);
    const error = new Error('the demo weather service is down');
    expect(scrubSecrets(error, ['demo'])).toBe(error);
    expect(scrubSecrets(error, ['weather service'])).not.toBe(error);
  });
});

describe('describeThrown', () => {
  it('describes anything that can be thrown without throwing itself', () => {
    const messageGetter = new Error('x');
    Object.defineProperty(messageGetter, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;

    expect(describeThrown(new Error('boom'))).toBe('boom');
    expect(describeThrown(new TypeError(''))).toBe('TypeError');
    expect(describeThrown('text')).toBe('text');
    expect(describeThrown(null)).toBe('null');
    expect(describeThrown(undefined)).toBe('undefined');
    expect(describeThrown(42n)).toBe('42');
    expect(describeThrown({ code: 5, detail: 'x' })).toBe('{"code":5,"detail":"x"}');
    expect(describeThrown({ message: 'shaped like an error' })).toBe('shaped like an error');
    expect(describeThrown(Object.create(null))).toBe('{}');
    expect(describeThrown(messageGetter)).toBe('[object Error]');
    expect(describeThrown(revoked.proxy)).toBe('a value that cannot be described');
    expect(describeThrown(cyclic)).toBe('[object Object]');
    expect(describeThrown({ text: 'y'.repeat(2_000) })).toHaveLength(503);
  });
});

describe('scrubSecrets fails closed', () => {
  it('finds the key under symbol keys, in symbol descriptions and in property names', () => {
    const error = Object.assign(new Error('x'), { [Symbol('headers')]: { key: KEY } });
    Object.defineProperty(error, Symbol.for('hidden'), { value: `k=${KEY}` });
    const named = { [KEY]: 1, [Symbol(`s ${KEY}`)]: 2 };
    const scrubbed = scrubSecrets({ error, named }, [KEY]);
    expect(everyRendering(scrubbed)).not.toContain(KEY);
    expect(everyRendering(scrubbed.error)).toContain('[redacted]');
  });

  it('walks Map, Set, URL, URLSearchParams, RegExp and binary data', () => {
    const value = {
      map: new Map<unknown, unknown>([
        [KEY, 'as a key'],
        ['value', { deep: KEY }],
      ]),
      set: new Set([`in ${KEY}`]),
      url: new URL(`https://proxy.test/?key=${KEY}`),
      params: new URLSearchParams({ key: KEY }),
      regexp: new RegExp(`^${KEY}$`),
      bytes: new TextEncoder().encode(`key: ${KEY}`),
      date: new Date(0),
    };
    const scrubbed = scrubSecrets(value, [KEY]);
    expect(everyRendering(scrubbed)).not.toContain(KEY);
    expect(scrubbed.map).toBeInstanceOf(Map);
    expect(scrubbed.map.get('value')).toEqual({ deep: '[redacted]' });
    expect(scrubbed.set).toEqual(new Set(['in [redacted]']));
    expect(scrubbed.date).toBe(value.date);
  });

  it('turns a Request or Response into plain data without credential headers', () => {
    const request = new Request('https://proxy.test/v1beta/models', {
      method: 'POST',
      headers: { 'x-goog-api-key': KEY, 'x-api-key': 'gateway-credential-1', accept: 'json' },
    });
    const response = new Response('', { status: 502, headers: { 'set-cookie': 's=1' } });
    const scrubbed = scrubSecrets({ request, response }, [KEY]);
    expect(scrubbed.request).toEqual({
      method: 'POST',
      url: 'https://proxy.test/v1beta/models',
      headers: { accept: 'json' },
    });
    expect(scrubbed.response).toMatchObject({ status: 502, headers: {} });
    expect(everyRendering(scrubbed)).not.toContain(KEY);
    expect(everyRendering(scrubbed)).not.toContain('gateway-credential-1');
  });

  it('replaces what lies past the depth bound instead of passing it through', () => {
    let error: unknown = new Error(`innermost ${KEY}`);
    for (let level = 0; level < 40; level++) error = new Error(`level ${level}`, { cause: error });
    const scrubbed = scrubSecrets(error, [KEY]);
    const text = everyRendering(scrubbed);
    expect(text).not.toContain(KEY);
    expect(text).toContain('level 39');
    expect(text).toContain('[redacted: not checked for secrets]');
  });

  it('replaces what lies past the node budget instead of passing it through', () => {
    const value = {
      filler: Array.from({ length: 10_001 }, (_, index) => ({ index })),
      tail: { key: KEY },
    };
    const scrubbed = scrubSecrets(value, [KEY]);
    expect(safeJson(scrubbed)).not.toContain(KEY);
    expect(scrubbed.filler[0]).toEqual({ index: 0 });
    expect(scrubbed.tail).toBe('[redacted: not checked for secrets]');
  });

  it('replaces a Promise, a WeakMap and a throwing proxy, which cannot be read', () => {
    const weak = new WeakMap([[{}, KEY]]);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const value = { promise: Promise.resolve(KEY), weak, proxy: revoked.proxy, note: `n ${KEY}` };
    const scrubbed = scrubSecrets(value, [KEY]);
    expect(everyRendering(scrubbed)).not.toContain(KEY);
    expect(scrubbed.promise).toBe('[redacted: not checked for secrets]');
    expect(scrubbed.weak).toBe('[redacted: not checked for secrets]');
    // A Promise alone may hold the key in its result: it is never passed through.
    expect(scrubSecrets(Promise.resolve(KEY), [KEY])).toBe('[redacted: not checked for secrets]');
  });

  it('makes plain data of a class instance whose toJSON or inspect hook prints hidden state', () => {
    class Vault {
      readonly #key = KEY;
      toJSON() {
        return { key: this.#key };
      }
      [Symbol.for('nodejs.util.inspect.custom')]() {
        return `Vault(${this.#key})`;
      }
    }
    const scrubbed = scrubSecrets(new Error('x', { cause: new Vault() }), [KEY]);
    expect(everyRendering(scrubbed)).not.toContain(KEY);
  });
});

describe('scrubSecrets on a gemloop error whose cause quotes the key', () => {
  it('returns a copy that is still the typed error, named, with the key gone', () => {
    const key = 'AIzaSyScrubTestKey0123456789abcdefghij';
    const error = new ApiCallError({
      message: 'generateContent could not reach the host.',
      url: 'https://x.test',
      method: 'generateContent',
      isRetryable: true,
      cause: new TypeError(`fetch failed; sent {"x-goog-api-key":"${key}"}`),
    });
    const scrubbed = scrubSecrets(error, [key]);
    expect(scrubbed).toBeInstanceOf(ApiCallError);
    expect(scrubbed.name).toBe('ApiCallError');
    expect(scrubbed.code).toBe(error.code);
    expect(inspect(scrubbed, { showHidden: true, depth: Number.POSITIVE_INFINITY })).not.toContain(
      key,
    );
  });
});
