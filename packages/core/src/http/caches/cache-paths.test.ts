import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { resolveClientOptions } from '../options/resolve-client-options.ts';
import { cacheRoutesOf, toCachePath, withVertexCacheName } from './cache-paths.ts';

const gemini = resolveClientOptions({ apiKey: 'test-key', baseUrl: 'http://127.0.0.1:9/' });
const vertex = resolveClientOptions({
  vertex: { project: 'my-project', location: 'europe-west4', getAccessToken: () => 'token' },
  baseUrl: 'http://127.0.0.1:9',
});

describe('toCachePath', () => {
  it('keeps a cachedContents/ name and prefixes a bare id', () => {
    expect(toCachePath('cachedContents/abc-123_x')).toBe('cachedContents/abc-123_x');
    expect(toCachePath('abc123')).toBe('cachedContents/abc123');
  });

  it('refuses anything that would change the URL path or query, naming the argument', () => {
    const bad = [
      '',
      'cachedContents/',
      'cachedContents/../models',
      '../models/gemini',
      'a/b',
      'abc?alt=media',
      'abc#x',
      'abc%2F..',
      'caché',
      ' abc',
      'abc\n',
      'cachedContents/abc/extra',
      42,
      null,
      undefined,
      { name: 'cachedContents/abc' },
    ];
    for (const name of bad) {
      expect(() => toCachePath(name, 'request.cachedContent'), JSON.stringify(name)).toThrow(
        InvalidArgumentError,
      );
    }
    expect(() => toCachePath('a/b', 'request.cachedContent')).toThrow(
      /^request\.cachedContent must be a cache name/,
    );
  });
});

describe('cacheRoutesOf (Gemini API)', () => {
  const routes = cacheRoutesOf(gemini);

  it('puts caches under the API root and leaves model paths as they are', () => {
    expect(routes.collection).toBe('http://127.0.0.1:9/v1beta/cachedContents');
    expect(routes.urlOf('abc')).toBe('http://127.0.0.1:9/v1beta/cachedContents/abc');
    expect(routes.toName('cachedContents/abc')).toBe('cachedContents/abc');
    expect(routes.toModel('models/gemini-2.5-flash')).toBe('models/gemini-2.5-flash');
  });

  it('refuses a Vertex resource name on a Gemini API client', () => {
    expect(() =>
      routes.urlOf('projects/my-project/locations/us-central1/cachedContents/1'),
    ).toThrow(InvalidArgumentError);
  });
});

describe('cacheRoutesOf (Vertex AI)', () => {
  const routes = cacheRoutesOf(vertex);
  const parent = 'projects/my-project/locations/europe-west4';

  it('puts caches under the project and location, beside (not under) the publisher models', () => {
    expect(routes.collection).toBe(`http://127.0.0.1:9/v1/${parent}/cachedContents`);
    expect(routes.urlOf('123')).toBe(`http://127.0.0.1:9/v1/${parent}/cachedContents/123`);
    expect(routes.toModel('models/gemini-2.5-flash')).toBe(
      `${parent}/publishers/google/models/gemini-2.5-flash`,
    );
    expect(routes.toModel(`${parent}/publishers/google/models/x`)).toBe(
      `${parent}/publishers/google/models/x`,
    );
  });

  it('reads the full name, the short name and the bare id as one cache', () => {
    for (const name of [`${parent}/cachedContents/123`, 'cachedContents/123', '123']) {
      expect(routes.toName(name)).toBe(`${parent}/cachedContents/123`);
    }
  });

  it('refuses a cache of another project or location, naming the client that reaches it', () => {
    const other = 'projects/other-project/locations/us-central1/cachedContents/9';
    let error: unknown;
    try {
      routes.toName(other, 'request.cachedContent');
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      "vertex: { project: 'other-project', location: 'us-central1' }",
    );
  });

  it('refuses names with path tricks', () => {
    for (const name of [
      `${parent}/cachedContents/../../other`,
      `${parent}/cachedContents/1/x`,
      'projects/my-project/locations/europe-west4/cachedContents/',
      '../1',
      '',
    ]) {
      expect(() => routes.toName(name), name).toThrow(InvalidArgumentError);
    }
  });
});

describe('withVertexCacheName', () => {
  it('spells a short cache name in full for Vertex, and returns the same request when nothing changes', () => {
    const request = { model: 'gemini-2.5-flash', cachedContent: 'cachedContents/7' };
    expect(withVertexCacheName(request, vertex, 'request')).toEqual({
      model: 'gemini-2.5-flash',
      cachedContent: 'projects/my-project/locations/europe-west4/cachedContents/7',
    });
    // Not changed in place.
    expect(request.cachedContent).toBe('cachedContents/7');
    const full = { cachedContent: 'projects/my-project/locations/europe-west4/cachedContents/7' };
    expect(withVertexCacheName(full, vertex, 'request')).toBe(full);
    const none: { model: string; cachedContent?: string | undefined } = { model: 'x' };
    expect(withVertexCacheName(none, vertex, 'request')).toBe(none);
  });

  it('names the argument when the cache name is bad', () => {
    expect(() => withVertexCacheName({ cachedContent: 'a/b' }, vertex, 'request')).toThrow(
      /^request\.cachedContent must be a cache name/,
    );
  });
});
