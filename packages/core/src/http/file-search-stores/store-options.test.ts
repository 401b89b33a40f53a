import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import {
  checkImportedFileName,
  createStoreOptionsDeclaration,
  importFileOptionsDeclaration,
  toDocumentFields,
  uploadToStoreOptionsDeclaration,
  waitOptionsDeclaration,
} from './store-options.ts';

// The File Search stores' options as a caller (or a model-driven tool) passes them: what the
// service accepts goes through unchanged, what it would refuse (or what would aim a request
// elsewhere) fails here with an InvalidArgumentError that names the option and the fix.

const importCheck = (options: unknown) => () => importFileOptionsDeclaration.check(options);

describe('customMetadata (at most 20 entries, one value each)', () => {
  it('accepts each of the three value kinds, and an entry whose other kinds are undefined', () => {
    const customMetadata = [
      { key: 'team', stringValue: 'billing' },
      { key: 'tags', stringListValue: { values: ['a', 'b'] } },
      { key: 'year', numericValue: 2026 },
      { key: 'spare', stringValue: 'x', numericValue: undefined },
      { key: 'empty-list', stringListValue: { values: [] } },
    ];
    expect(importFileOptionsDeclaration.check({ customMetadata })).toEqual({ customMetadata });
  });

  it('accepts 20 entries and refuses 21, saying the limit', () => {
    const entries = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ key: `k${index}`, numericValue: index }));
    expect(() => importFileOptionsDeclaration.check({ customMetadata: entries(20) })).not.toThrow();
    expect(importCheck({ customMetadata: entries(21) })).toThrow(/at most 20 entries/);
  });

  it.each([
    ['two values in one entry', { key: 'a', stringValue: 'x', numericValue: 1 }],
    ['no value', { key: 'a' }],
    ['an empty key', { key: '', stringValue: 'x' }],
    ['a key that is not a string', { key: 7, stringValue: 'x' }],
    ['NaN', { key: 'a', numericValue: Number.NaN }],
    ['Infinity', { key: 'a', numericValue: Number.POSITIVE_INFINITY }],
    ['a number as a string value', { key: 'a', stringValue: 5 }],
    ['a list with a number in it', { key: 'a', stringListValue: { values: ['x', 1] } }],
    ['a list that is not { values }', { key: 'a', stringListValue: ['x'] }],
    ['an unknown field beside the value', { key: 'a', stringValue: 'x', note: 'y' }],
    ['null', null],
    ['an array', ['a', 'x']],
  ])('refuses an entry with %s', (_case, entry) => {
    const check = importCheck({ customMetadata: [entry] });
    expect(check).toThrow(InvalidArgumentError);
    expect(check).toThrow(/customMetadata must be at most 20 entries, each \{ key, stringValue \}/);
  });

  it('refuses customMetadata that is not an array (an object of keys, a string)', () => {
    expect(importCheck({ customMetadata: { team: 'billing' } })).toThrow(InvalidArgumentError);
    expect(importCheck({ customMetadata: 'team=billing' })).toThrow(InvalidArgumentError);
  });

  it('does not take a __proto__ key in an entry as one of its fields', () => {
    const entry = JSON.parse('{"key":"a","stringValue":"x","__proto__":{"numericValue":1}}');
    // An own "__proto__" field is a third key: refused, and nothing reached Object.prototype.
    expect(importCheck({ customMetadata: [entry] })).toThrow(InvalidArgumentError);
    expect(({} as Record<string, unknown>)['numericValue']).toBeUndefined();
  });
});

describe('chunkingConfig ({ whiteSpaceConfig: { maxTokensPerChunk, maxOverlapTokens } })', () => {
  it.each([
    [{}],
    [{ whiteSpaceConfig: {} }],
    [{ whiteSpaceConfig: { maxTokensPerChunk: 200 } }],
    [{ whiteSpaceConfig: { maxOverlapTokens: 0 } }],
    [{ whiteSpaceConfig: { maxTokensPerChunk: 200, maxOverlapTokens: 0 } }],
    [{ whiteSpaceConfig: { maxTokensPerChunk: 200, maxOverlapTokens: 199 } }],
  ])('accepts %j', (chunkingConfig) => {
    expect(importFileOptionsDeclaration.check({ chunkingConfig })).toEqual({ chunkingConfig });
  });

  it.each([
    [
      'an overlap as large as the chunk',
      { whiteSpaceConfig: { maxTokensPerChunk: 200, maxOverlapTokens: 200 } },
    ],
    ['a chunk of 0 tokens', { whiteSpaceConfig: { maxTokensPerChunk: 0 } }],
    ['a negative overlap', { whiteSpaceConfig: { maxOverlapTokens: -1 } }],
    ['a fractional chunk', { whiteSpaceConfig: { maxTokensPerChunk: 10.5 } }],
    ['a chunk as a string', { whiteSpaceConfig: { maxTokensPerChunk: '200' } }],
    ['an unknown field in whiteSpaceConfig', { whiteSpaceConfig: { maxTokens: 200 } }],
    ['an unknown chunking kind', { fixedSizeConfig: { size: 10 } }],
    ['a null whiteSpaceConfig', { whiteSpaceConfig: null }],
    ['an array', [{ whiteSpaceConfig: {} }]],
  ])('refuses %s, saying the shape', (_case, chunkingConfig) => {
    const check = importCheck({ chunkingConfig });
    expect(check).toThrow(InvalidArgumentError);
    expect(check).toThrow(/overlap smaller than the chunk/);
  });
});

describe('the other options of the store calls', () => {
  it('create: a display name up to 512 characters and a models/ embedding model', () => {
    const ok = { displayName: 'x'.repeat(512), embeddingModel: 'models/gemini-embedding-001' };
    expect(createStoreOptionsDeclaration.check(ok)).toEqual(ok);
    expect(() => createStoreOptionsDeclaration.check({ displayName: 'x'.repeat(513) })).toThrow(
      /displayName must be a string of at most 512/,
    );
    for (const embeddingModel of ['gemini-embedding-001', 'models/../files/x', 'models/a b', ''])
      expect(() => createStoreOptionsDeclaration.check({ embeddingModel })).toThrow(
        /embeddingModel must be a model name/,
      );
  });

  it('names a misspelt option with a hint instead of dropping it', () => {
    expect(() => createStoreOptionsDeclaration.check({ displayname: 'x' })).toThrow(
      /Unknown fileSearchStores\.create option.*displayName/,
    );
    expect(() => uploadToStoreOptionsDeclaration.check({ chunkingconfig: {} })).toThrow(
      /chunkingConfig/,
    );
  });

  it('wait: poll intervals are integers from 0, maxPolls from 1, onPoll a function', () => {
    expect(
      waitOptionsDeclaration.check({ pollIntervalMs: 0, maxPollIntervalMs: 0, maxPolls: 1 }),
    ).toEqual({ pollIntervalMs: 0, maxPollIntervalMs: 0, maxPolls: 1 });
    for (const bad of [
      { pollIntervalMs: -1 },
      { pollIntervalMs: 1.5 },
      { maxPolls: 0 },
      { onPoll: 'log' },
    ])
      expect(() => waitOptionsDeclaration.check(bad)).toThrow(InvalidArgumentError);
  });

  it('refuses options that are not an object', () => {
    for (const options of [null, 'force', [{}], 3])
      expect(() => importFileOptionsDeclaration.check(options)).toThrow(InvalidArgumentError);
  });
});

describe('toDocumentFields', () => {
  it('copies the document fields, so a later change of the caller’s objects does not reach the body', () => {
    const customMetadata = [{ key: 'a', stringListValue: { values: ['x'] } }];
    const chunkingConfig = { whiteSpaceConfig: { maxTokensPerChunk: 100 } };
    const fields = toDocumentFields({ customMetadata, chunkingConfig });
    customMetadata[0]?.stringListValue.values.push('late');
    chunkingConfig.whiteSpaceConfig.maxTokensPerChunk = 1;
    expect(fields).toEqual({
      customMetadata: [{ key: 'a', stringListValue: { values: ['x'] } }],
      chunkingConfig: { whiteSpaceConfig: { maxTokensPerChunk: 100 } },
    });
  });

  it('sends no field the caller did not give', () => {
    expect(toDocumentFields({})).toEqual({});
    expect(Object.keys(toDocumentFields({ customMetadata: undefined }))).toEqual([]);
  });
});

describe('checkImportedFileName', () => {
  it('returns a files/ name as it is', () => {
    expect(checkImportedFileName('files/abc-123_X')).toBe('files/abc-123_X');
    expect(checkImportedFileName(`files/${'a'.repeat(128)}`)).toBe(`files/${'a'.repeat(128)}`);
  });

  it.each([
    'abc123',
    'files/',
    'files/../cachedContents/x',
    'files/abc?alt=media',
    'files/abc/def',
    'https://example.com/files/abc',
    `files/${'a'.repeat(129)}`,
    'files/abc\n',
  ])('refuses %j, which could aim the request elsewhere', (name) => {
    expect(() => checkImportedFileName(name)).toThrow(
      /fileName must be a Files API name such as 'files\/abc123'/,
    );
  });

  it('quotes a long wrong name cut short, and names a missing one', () => {
    const error = (() => {
      try {
        checkImportedFileName(`x${'y'.repeat(10_000)}`);
      } catch (caught) {
        return caught as InvalidArgumentError;
      }
      return undefined;
    })();
    expect(error?.argument).toBe('fileName');
    expect(error?.message.length).toBeLessThan(400);
    expect(() => checkImportedFileName(undefined)).toThrow(/got undefined/);
  });

  it('refuses a value JSON cannot write (a bigint, a cyclic object) with the same typed error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const name of [10n, cyclic, Symbol('files/x')]) {
      expect(() => checkImportedFileName(name)).toThrow(InvalidArgumentError);
    }
  });
});
