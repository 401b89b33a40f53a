import { describe, expect, it } from 'vitest';
import type { PartialArg } from '../wire/content.ts';
import { applyPartialArgs } from './apply-partial-args.ts';

// attack27: streamed call arguments (Vertex `partialArgs`, read from any gateway that routes
// there) write array indices. An index far past the end was refused, but one up to 1,000 past it
// was taken: fragments `$.a[1000]`, `$.a[2000]`, ... each made 1,000 holes, which JSON writes as
// `null`. One 889 KB chunk of 20,000 such fragments became arguments of 20,000,001 elements and
// a 99.9 MB request body when the call went back in the history (27 s, 640 MB RSS; a raw gateway
// on 127.0.0.1 and the agent's stream). The gap an index may leave is now a few elements, so
// what the arguments hold as JSON stays within a small multiple of the bytes that wrote them.

const fragmentsStepping = (count: number, step: number): PartialArg[] =>
  Array.from({ length: count }, (_, index) => ({
    jsonPath: `$.a[${(index + 1) * step}]`,
    numberValue: 1,
  }));

describe('partialArgs array indices that leave holes (attack27)', () => {
  it('20,000 fragments each 1,000 past the end: the arguments stay near the size of the fragments', () => {
    const fragments = fragmentsStepping(20_000, 1000);
    const args: Record<string, unknown> = {};
    applyPartialArgs(args, fragments, new Set());
    const written = JSON.stringify(fragments).length;
    expect(JSON.stringify(args).length).toBeLessThan(2 * written);
    // Nothing is dropped: what cannot be placed lands under its raw path, as a bad path does.
    expect(Object.keys(args)).toHaveLength(20_001);
  });

  it('indices in order, or a few past the end, still build the array', () => {
    const args: Record<string, unknown> = {};
    applyPartialArgs(
      args,
      [
        { jsonPath: '$.list[0]', stringValue: 'a' },
        { jsonPath: '$.list[1]', stringValue: 'b' },
        { jsonPath: '$.list[4]', stringValue: 'e' },
      ],
      new Set(),
    );
    expect(args).toEqual({ list: ['a', 'b', undefined, undefined, 'e'] });
  });
});
