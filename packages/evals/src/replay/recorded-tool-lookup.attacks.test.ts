import { describe, expect, test } from 'vitest';
import type { EvalCase, RecordedToolResult } from '../eval-case.ts';
import { firstDifference } from '../scorers/deep-equal.ts';
import { recordedToolLookup } from './recorded-tool-lookup.ts';

const caseOf = (toolResults: RecordedToolResult[]): EvalCase => ({
  id: 'c',
  input: 'x',
  fixtures: { modelResponses: [], toolResults },
});

/** What a search from the start finds: the semantics the lookup keeps. */
function searched(results: RecordedToolResult[], name: string, args: unknown): unknown {
  const match = results.find((r) => r.name === name && firstDifference(r.args, args) === undefined);
  return match === undefined ? { found: false } : { found: true, output: match.output };
}

/** Arguments whose `id` counts its reads, so the comparisons made can be counted. */
function countedArgs(id: number, reads: { count: number }): Record<string, unknown> {
  const args: Record<string, unknown> = { region: 'eu' };
  Object.defineProperty(args, 'id', {
    enumerable: true,
    get: () => {
      reads.count++;
      return id;
    },
  });
  return args;
}

describe('recordedToolLookup', () => {
  test('a recording of 20,000 calls of one tool is looked up in linear work, each call once', () => {
    const n = 20_000;
    const reads = { count: 0 };
    const results = Array.from({ length: n }, (_, i) => ({
      name: 'lookup',
      args: countedArgs(i, reads),
      output: `result ${i}`,
    }));
    const lookup = recordedToolLookup(caseOf(results));
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      expect(lookup('lookup', { region: 'eu', id: i })).toEqual({
        found: true,
        output: `result ${i}`,
      });
    }
    const ms = performance.now() - start;
    // A search from the start read the ids of every earlier result: n²/2 = 200,000,000 reads
    // (87 s of lookups). Grouped: one read to group each result and one to compare it.
    expect(reads.count).toBeLessThanOrEqual(2 * n);
    console.log(`20,000 lookups: ${ms.toFixed(0)} ms, ${reads.count} reads of recorded arguments`);
  });

  test('the first recorded result of equal arguments answers, as a search from the start', () => {
    const results: RecordedToolResult[] = [
      { name: 'get', args: { b: 1, a: [1, { c: 2 }] }, output: 'first' },
      { name: 'get', args: { a: [1, { c: 2 }], b: 1 }, output: 'second' },
      { name: 'other', args: { a: [1, { c: 2 }], b: 1 }, output: 'other tool' },
      { name: 'get', args: { n: -0 }, output: 'minus zero' },
      { name: 'get', args: { n: 0 }, output: 'zero' },
      { name: 'get', args: { n: Number.NaN }, output: 'nan' },
      { name: 'get', args: { u: undefined }, output: 'own undefined' },
      { name: 'get', args: {}, output: 'empty' },
      // biome-ignore lint/suspicious/noSparseArray: a hole is compared as undefined
      { name: 'get', args: [1, , 3], output: 'holed' },
      { name: 'get', args: 'text', output: 'a string' },
      { name: 'get', args: null, output: 'null' },
    ];
    const lookup = recordedToolLookup(caseOf(results));
    const calls: [string, unknown][] = [
      ['get', { a: [1, { c: 2 }], b: 1 }],
      ['other', { b: 1, a: [1, { c: 2 }] }],
      ['get', { n: 0 }],
      ['get', { n: -0 }],
      ['get', { n: Number.NaN }],
      ['get', { u: undefined }],
      ['get', {}],
      ['get', [1, undefined, 3]],
      ['get', 'text'],
      ['get', null],
      ['get', undefined],
      ['get', { a: [1, { c: 3 }], b: 1 }],
      ['missing', {}],
      ['get', { n: '0' }],
    ];
    for (const [name, args] of calls) {
      expect(lookup(name, args), JSON.stringify([name, args])).toEqual(
        searched(results, name, args),
      );
    }
    expect(lookup('get', { b: 1, a: [1, { c: 2 }] })).toEqual({ found: true, output: 'first' });
  });

  test('arguments deeper than the key describes are still told apart and matched', () => {
    const deep = (leaf: unknown): unknown => {
      let value: unknown = { leaf };
      for (let i = 0; i < 100; i++) value = { next: value };
      return value;
    };
    const results = [
      { name: 't', args: deep(1), output: 'one' },
      { name: 't', args: deep(2), output: 'two' },
    ];
    const lookup = recordedToolLookup(caseOf(results));
    expect(lookup('t', deep(2))).toEqual({ found: true, output: 'two' });
    expect(lookup('t', deep(1))).toEqual({ found: true, output: 'one' });
    expect(lookup('t', deep(3))).toEqual({ found: false });
  });

  test('a lookup for one tool answers for that tool only; a case without results finds none', () => {
    const results = [
      { name: 'a', args: {}, output: 'a' },
      { name: 'b', args: {}, output: 'b' },
    ];
    expect(recordedToolLookup(caseOf(results), 'b')('b', {})).toEqual({ found: true, output: 'b' });
    expect(recordedToolLookup(caseOf(results), 'b')('a', {})).toEqual({ found: false });
    expect(recordedToolLookup({ id: 'c', input: 'x' })('a', {})).toEqual({ found: false });
  });
});
