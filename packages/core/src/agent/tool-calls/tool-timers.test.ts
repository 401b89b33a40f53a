import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineTool } from '../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';

// A limit no other timer of the test has: Node keeps one timer list per duration.
const LIMIT_MS = 654_321;

const slow = defineTool({
  name: 'slow',
  timeoutMs: LIMIT_MS,
  // A pending result: the call's time limit is armed only for one.
  execute: async () => ({ ok: true }),
});

describe('tool call time limits', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('restarts an idle timer of the same limit instead of setting one per call', async () => {
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const gemini = createScriptedGemini([
      callsTurn(['slow', {}, 'c1']),
      callsTurn(['slow', {}, 'c2']),
      callsTurn(['slow', {}, 'c3']),
      textTurn('done'),
    ]);
    const result = await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [slow],
    }).run('Go');
    expect(result.steps.flatMap((step) => step.toolCalls.map((call) => call.outcome))).toEqual([
      'success',
      'success',
      'success',
    ]);
    // Set and cleared per call, a limit no other live timer has made Node create its timer list
    // for that duration and delete it again each time (issue 30: most of a subagent call's cost).
    expect(armed.mock.calls.filter(([, delay]) => delay === LIMIT_MS)).toHaveLength(1);
  });

  it('still stops a call at its limit with a reused timer', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const sometimesStuck = defineTool({
      name: 'slow',
      timeoutMs: LIMIT_MS,
      execute: () => (++calls === 2 ? new Promise(() => {}) : Promise.resolve({ ok: true })),
    });
    const gemini = createScriptedGemini([
      callsTurn(['slow', {}, 'c1']),
      callsTurn(['slow', {}, 'c2']),
      textTurn('done'),
    ]);
    const run = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [sometimesStuck],
    }).run('Go');
    await vi.advanceTimersByTimeAsync(LIMIT_MS - 1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const result = await run;
    expect(result.steps.flatMap((step) => step.toolCalls.map((call) => call.outcome))).toEqual([
      'success',
      'timeout',
    ]);
  });
});
