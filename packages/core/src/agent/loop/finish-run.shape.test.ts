import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileNative, haveSameMap } from '../../__fixtures__/have-same-map.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';

// Issue 53 (helper step-run): a run's result gets its `cost` (an accessor summing the run's
// total when first read) as a new key in its place, not put over a data property of the result's
// literal: V8 makes an object whose data property becomes an accessor a dictionary, which cost
// the default agent about 5 µs a run (CPU profile of the ABBA client: `defineCost` 0.87 µs a
// step of a 6-step run, and every field written after it).

/** V8's `%HasFastProperties(o)`: false for an object in dictionary mode. */
const hasFastProperties = compileNative<(o: object) => boolean>(
  ['o'],
  'return %HasFastProperties(o);',
);

const step = defineTool({
  name: 'step',
  description: 'One more step.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n }),
});

function agent() {
  return createAgent({
    gemini: createScriptedGemini([callsTurn(['step', { n: 1 }]), textTurn('done')]),
    model: 'gemini-2.5-flash',
    tools: [step],
  });
}

describe("a run's result", () => {
  it('is no dictionary, shares its hidden class from run to run and keeps its keys in order, cost priced on read', async () => {
    const first = await agent().run('go');
    const second = await agent().run('go');
    // The cost is still the accessor that sums on read (the case this shape is about).
    expect(typeof Object.getOwnPropertyDescriptor(first, 'cost')?.get).toBe('function');
    expect(hasFastProperties(first)).toBe(true);
    expect(haveSameMap(first, second)).toBe(true);
    expect(Object.keys(first)).toEqual([
      'contents',
      'newContents',
      'steps',
      'usage',
      'cost',
      'text',
      'output',
      'finishReason',
      'rawFinishReason',
      'finishMessage',
      'blocked',
      'grounding',
      'parts',
      'usageByAgent',
      'handoffs',
    ]);
    expect(first.text).toBe('done');
    expect(first.cost.currency).toBe('USD');
    expect(Object.getOwnPropertyDescriptor(first, 'cost')?.get).toBeUndefined();
  });
});
