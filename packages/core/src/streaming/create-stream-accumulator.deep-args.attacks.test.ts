import { describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';

// deep47: a streamed function call (`willContinue`, Vertex's streaming arguments) whose first
// fragment's `args` nest 100,000 deep (`[[[…]]]`, 200 KB: JSON.parse takes it). The fold copied
// them with structuredClone, which recurses: "Maximum call stack size exceeded", and a streamed
// run failed where the same call unary was read and its tool ran. Copied without recursion now.

function deep(levels: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < levels; level++) value = [value];
  return value;
}

function chunk(functionCall: Record<string, unknown>, last = false): GenerateContentResponse {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ functionCall }] },
        index: 0,
        ...(last ? { finishReason: 'STOP' } : {}),
      },
    ],
  } as GenerateContentResponse;
}

describe('a streamed function call whose arguments nest 100,000 deep', () => {
  it('is folded whole, and a response handed out mid-call is not changed after', () => {
    const accumulator = createStreamAccumulator();
    const args = { a: deep(100_000), b: 1 };
    accumulator.push(chunk({ name: 'f', args, willContinue: true }));
    const early = accumulator.response();
    accumulator.push(
      chunk({ partialArgs: [{ jsonPath: '$.c', stringValue: 'x' }], willContinue: false }, true),
    );
    const call = accumulator.response().candidates?.[0]?.content?.parts?.[0]?.functionCall;
    expect(call?.name).toBe('f');
    expect(Object.keys(call?.args ?? {})).toEqual(['a', 'b', 'c']);
    expect(call?.args?.['c']).toBe('x');
    // The copy is the fold's own: the chunk's arguments and the early snapshot are untouched.
    expect(Object.keys(args)).toEqual(['a', 'b']);
    const earlyCall = early.candidates?.[0]?.content?.parts?.[0]?.functionCall;
    expect(Object.keys(earlyCall?.args ?? {})).toEqual(['a', 'b']);
    let level = call?.args?.['a'] as unknown[];
    let levels = 1;
    while (level.length > 0) {
      level = level[0] as unknown[];
      levels++;
    }
    expect(levels).toBe(100_000);
  });
});
