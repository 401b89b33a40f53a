// attack64a: the caller's own functions of a subagent call (`history`, `output`) are part of the
// call. What they throw failed the call as a plain tool's throw, outside the subagent's failure
// path: under `onError: 'throw'` the run went on, and an `output` throwing after the child ran
// counted the child twice in `usageByAgent` (the lead's own entry short by as much). An async
// `output` (it compiles: the option returns `unknown`) answered the parent model `{}`; awaited, it
// is held to the call's `timeoutMs` with the child.

import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { Content } from '../wire/content.ts';
import { subagent } from './subagent.ts';
import type { SubagentOptions } from './subagent-options.ts';

const MODEL = 'gemini-2.5-flash';
const SECRET = 'postgres://app:hunter2@db.internal/main';
const boom = (): never => {
  throw new Error(`lookup failed at ${SECRET}`);
};

type Extra = Pick<SubagentOptions, 'history' | 'output' | 'onError' | 'timeoutMs'>;

/** A lead that calls `ask` once, then answers; `ask` runs a child that answers "child". */
function team(extra: Extra) {
  const childGemini = createScriptedGemini([textTurn('child')]);
  const child = createAgent({ gemini: childGemini, model: MODEL, name: 'child' });
  const leadGemini = createScriptedGemini([
    callsTurn(['ask', { task: 'q' }, 'a1']),
    textTurn('done'),
  ]);
  const lead = createAgent({
    gemini: leadGemini,
    model: MODEL,
    tools: [subagent(child, { name: 'ask', description: 'Asks the child.', ...extra })],
  });
  /** The response the lead's model was sent for its call. */
  const answered = (): unknown =>
    (leadGemini.calls[1]?.request.contents.at(-1) as Content | undefined)?.parts?.[0]
      ?.functionResponse?.response;
  return { lead, childGemini, leadGemini, answered };
}

const modes = [
  ['run', (lead: ReturnType<typeof team>['lead']) => lead.run('go')],
  ['stream', (lead: ReturnType<typeof team>['lead']) => lead.stream('go').result],
] as const;

describe.each(modes)('a subagent whose caller functions fail or are async (%s)', (_, run) => {
  it('counts a child once when its output function throws after it ran', async () => {
    const { lead, childGemini, answered } = team({ output: boom });
    const result = await run(lead);
    expect(childGemini.calls).toHaveLength(1);
    const byAgent = (result.usageByAgent ?? []).map((entry) => entry.path.join('/'));
    expect(byAgent).toEqual(['', 'ask#1']);
    const own = result.steps.reduce((sum, step) => sum + (step.usage?.totalTokenCount ?? 0), 0);
    expect(result.usageByAgent?.[0]?.usage.totalTokenCount).toBe(own);
    const summed = (result.usageByAgent ?? []).reduce(
      (sum, entry) => sum + entry.usage.totalTokenCount,
      0,
    );
    expect(summed).toBe(result.usage.totalTokenCount);
    // The call is a failed one, worded as the subagent's, its internals scrubbed.
    expect(JSON.stringify(answered())).toContain('The subagent ask failed');
    expect(JSON.stringify(answered())).not.toContain('hunter2');
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
    expect(result.steps[0]?.toolCalls[0]?.usage?.totalTokenCount).toBe(
      result.usageByAgent?.[1]?.usage.totalTokenCount,
    );
  });

  it.each([
    ['history', { history: boom }, 0],
    ['output', { output: boom }, 1],
  ] as const)(
    'ends the run with a SubagentError when %s throws under onError: throw',
    async (_, extra, childCalls) => {
      const { lead, childGemini, leadGemini } = team({ ...extra, onError: 'throw' });
      const error = await run(lead).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(SubagentError.isInstance(error)).toBe(true);
      const subagentError = error as SubagentError;
      expect(subagentError.toolName).toBe('ask');
      expect(subagentError.path).toEqual(['ask#1']);
      expect(subagentError.message).toContain('The subagent ask (ask#1) failed');
      expect(subagentError.message).not.toContain('hunter2');
      expect((subagentError.cause as Error).message).toContain('hunter2');
      expect(childGemini.calls).toHaveLength(childCalls);
      // No model call after the failure.
      expect(leadGemini.calls).toHaveLength(1);
    },
  );

  it('tells the model the subagent failed when history throws (tell-model)', async () => {
    const { lead, childGemini, answered } = team({ history: boom });
    await run(lead);
    expect(childGemini.calls).toHaveLength(0);
    expect(answered()).toEqual({ error: 'The subagent ask failed: lookup failed at <url>' });
  });

  it('stops an async output that never settles at timeoutMs under onError: throw', async () => {
    const { lead, leadGemini } = team({
      onError: 'throw',
      timeoutMs: 50,
      output: () => new Promise(() => {}),
    });
    const error = await run(lead).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(SubagentError.isInstance(error)).toBe(true);
    expect((error as SubagentError).message).toContain('did not finish within 50 ms');
    expect(TimeoutError.isInstance((error as SubagentError).cause)).toBe(true);
    expect(leadGemini.calls).toHaveLength(1);
  });

  it("answers the parent model with an async output's value, not {}", async () => {
    const { lead, answered } = team({
      output: async (result: AgentResult<undefined>) => ({ summary: result.text.toUpperCase() }),
    });
    await run(lead);
    expect(answered()).toEqual({ summary: 'CHILD' });
  });
});
