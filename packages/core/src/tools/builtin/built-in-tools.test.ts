import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { isBuiltinTool } from '../define/is-function-tool.ts';
import {
  codeExecution,
  fileSearch,
  googleMaps,
  googleSearch,
  urlContext,
} from './built-in-tools.ts';

describe('built-in tools', () => {
  it('make the wire entries Gemini documents', () => {
    expect(googleSearch()).toEqual({
      kind: 'builtin',
      type: 'googleSearch',
      tool: { googleSearch: {} },
    });
    expect(urlContext()).toEqual({ kind: 'builtin', type: 'urlContext', tool: { urlContext: {} } });
    expect(codeExecution()).toEqual({
      kind: 'builtin',
      type: 'codeExecution',
      tool: { codeExecution: {} },
    });
    expect(googleMaps({ enableWidget: true })).toEqual({
      kind: 'builtin',
      type: 'googleMaps',
      tool: { googleMaps: { enableWidget: true } },
    });
    expect(
      fileSearch({
        fileSearchStoreNames: ['fileSearchStores/a'],
        topK: 5,
        metadataFilter: 'year > 2020',
      }),
    ).toEqual({
      kind: 'builtin',
      type: 'fileSearch',
      tool: {
        fileSearch: {
          fileSearchStoreNames: ['fileSearchStores/a'],
          topK: 5,
          metadataFilter: 'year > 2020',
        },
      },
    });
  });

  it('are frozen values that pass the built-in guard', () => {
    for (const tool of [
      googleSearch(),
      urlContext(),
      codeExecution(),
      googleMaps(),
      fileSearch({ fileSearchStoreNames: ['s'] }),
    ]) {
      expect(Object.isFrozen(tool)).toBe(true);
      expect(isBuiltinTool(tool)).toBe(true);
    }
  });

  it('turns googleSearch time range Dates into RFC 3339 strings and passes new options through', () => {
    expect(
      googleSearch({
        timeRangeFilter: {
          startTime: new Date('2026-01-01T00:00:00Z'),
          endTime: '2026-02-01T00:00:00Z',
        },
        searchTypes: { webSearch: {} },
      }).tool,
    ).toEqual({
      googleSearch: {
        timeRangeFilter: { startTime: '2026-01-01T00:00:00.000Z', endTime: '2026-02-01T00:00:00Z' },
        searchTypes: { webSearch: {} },
      },
    });
  });

  it('rejects bad options with the argument named', () => {
    expect(() => googleSearch({ timeRangeFilter: { startTime: 'last week' } })).toThrow(
      /timeRangeFilter.startTime must be a Date or an RFC 3339 timestamp/,
    );
    expect(() => googleSearch({ timeRangeFilter: { endTime: new Date(Number.NaN) } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => fileSearch({ fileSearchStoreNames: [] })).toThrow(/non-empty list of store names/);
    expect(() => fileSearch(undefined as never)).toThrow(/non-empty list of store names/);
    expect(() => fileSearch({ fileSearchStoreNames: ['s'], topK: 0 })).toThrow(
      /topK must be a positive integer/,
    );
  });

  it('copies the store list, so later changes by the caller do not leak in', () => {
    const names = ['fileSearchStores/a'];
    const tool = fileSearch({ fileSearchStoreNames: names });
    names.push('fileSearchStores/b');
    expect(tool.tool.fileSearch?.fileSearchStoreNames).toEqual(['fileSearchStores/a']);
  });
});
