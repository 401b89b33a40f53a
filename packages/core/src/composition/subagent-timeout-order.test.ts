import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { subagent } from './subagent.ts';

// leftovers39: a subagent that times out is stopped, not waited for. Its tool then ended on the
// abort and the child's step ended after the parent had already reported the call timed out: the
// stream showed `research#1 step-end` after `top tool-error timeout`, a child's event for a call
// the parent had closed. A call's child events end before the parent reports the call; what
// the stopped child emits after is dropped as late.

const MODEL = 'gemini-2.5-flash';

function tree() {
  let reached!: () => void;
  const inTool = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const child = createAgent({
    gemini: createScriptedGemini([callsTurn(['lookup', {}, 'l1']), textTurn('late answer')]),
    model: MODEL,
    name: 'research',
    tools: [
      defineTool({
        name: 'lookup',
        description: 'Looks up.',
        parameters: { type: 'object', properties: {} },
        // Ends when its run is stopped, as a well-behaved tool does: the child then goes on to
        // end its step (after the time limit fired).
        execute: (_args, { signal }) =>
          new Promise((resolve) => {
            reached();
            signal?.addEventListener('abort', () => setTimeout(() => resolve('stopped'), 20), {
              once: true,
            });
          }),
      }),
    ],
  });
  const parent = createAgent({
    gemini: createScriptedGemini([callsTurn(['research', { task: 't' }, 'c1']), textTurn('done')]),
    model: MODEL,
    name: 'lead',
    tools: [subagent(child, { name: 'research', description: 'Researches.', timeoutMs: 60_000 })],
  });
  return { parent, inTool };
}

function describeEvent(event: AgentEvent<unknown>): string {
  const at = event.path.length === 0 ? 'top' : event.path.join('/');
  return `${at} ${event.type}`;
}

function expectNoLateChildEvent(events: readonly string[]): void {
  const reported = events.indexOf('top tool-error');
  expect(reported).toBeGreaterThan(0);
  // The child did run: its first step's events came before the report.
  expect(events.slice(0, reported)).toContain('research#1 step-start');
  expect(events.slice(reported).filter((event) => event.startsWith('research'))).toEqual([]);
  expect(events.at(-1)).toBe('top run-end');
}

describe('a subagent that times out', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('streams no child event for the call after the parent reported the call timed out', async () => {
    // The time limit is fake time: the child is in its tool when it fires, whatever the load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { parent, inTool } = tree();
    const events: string[] = [];
    const reading = (async () => {
      for await (const event of parent.stream('go')) events.push(describeEvent(event));
    })();
    await inTool;
    await vi.advanceTimersByTimeAsync(60_000);
    // The stopped child's tool returns 20 ms after the abort, and its step then ends: late.
    await vi.advanceTimersByTimeAsync(100);
    await reading;
    await vi.advanceTimersByTimeAsync(100);
    expectNoLateChildEvent(events);
  });
});
