import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '@gemloop/core/history';
import { describe, expect, it } from 'vitest';
import { findOmitted, findUnreproduced, servable } from './find-omitted.ts';
import { routeRecordedRuns } from './route-recorded-runs.ts';

const answer = (parts: Record<string, unknown>[]) => ({
  candidates: [{ content: { role: 'model', parts } }],
});
const SHORTENED = '[4804 characters omitted]';

describe('findOmitted', () => {
  it('lists the shortened signatures and media of an answer by JSON path, nothing else', () => {
    const response = answer([
      { text: 'I said [12 characters omitted] myself.' },
      { functionCall: { name: 'f', args: { data: 'x' } }, thoughtSignature: SHORTENED },
      {
        inlineData: {
          mimeType: 'image/png',
          data: '[9000 characters omitted: past maxOpaqueBytes]',
        },
      },
      { text: 'whole', thoughtSignature: 'Q3M=' },
    ]);
    expect(findOmitted(response)).toEqual([
      'candidates[0].content.parts[1].thoughtSignature',
      'candidates[0].content.parts[2].inlineData.data',
    ]);
    expect(findUnreproduced('the top run', [answer([]), response], 2)).toEqual([
      { run: 'the top run', call: 1, omitted: findOmitted(response) },
    ]);
    // Only the answers served count.
    expect(findUnreproduced('the top run', [answer([]), response], 1)).toEqual([]);
  });

  it('stops at a bounded depth in a hostile answer', () => {
    let deep: unknown = { thoughtSignature: SHORTENED };
    for (let level = 0; level < 10_000; level++) deep = { next: deep };
    expect(findOmitted(deep)).toEqual([]);
    expect(servable(deep)).toBe(deep);
  });
});

describe('servable', () => {
  it("serves Google's documented dummy in place of a shortened signature, leaving the recording as it was", () => {
    const response = answer([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: SHORTENED },
    ]);
    const served = servable(response);
    expect(served.candidates[0]?.content.parts[0]).toEqual({
      functionCall: { name: 'f', args: {} },
      thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    });
    expect(response.candidates[0]?.content.parts[0]?.['thoughtSignature']).toBe(SHORTENED);
    const whole = answer([{ text: 'hi', thoughtSignature: 'Q3M=' }]);
    expect(servable(whole)).toBe(whole);
  });

  it('does the same for the runs of a recorded tree, and names the subagent run', () => {
    const tree = routeRecordedRuns({
      modelResponses: [answer([{ text: 'done' }])],
      requests: [{ contents: [{ role: 'user', parts: [{ text: 'lead' }] }] }],
      subagents: [
        {
          path: ['research'],
          modelResponses: [answer([{ text: 'found', thoughtSignature: SHORTENED }])],
          requests: [{ contents: [{ role: 'user', parts: [{ text: 'child' }] }] }],
        },
      ],
    });
    const served = tree.answer({ contents: [{ role: 'user', parts: [{ text: 'child' }] }] });
    expect(JSON.stringify(served)).toContain(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
    tree.answer({ contents: [{ role: 'user', parts: [{ text: 'lead' }] }] });
    expect(tree.unreproduced()).toEqual([
      {
        run: 'the subagent run research',
        call: 0,
        omitted: ['candidates[0].content.parts[0].thoughtSignature'],
      },
    ]);
  });
});
