import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { BeforeToolCallContext } from '../config/agent-options.ts';
import { createAgent } from '../create-agent.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { definePlugin } from '../plugins/define-plugin.ts';

// Whether a call may run: the tool found, its arguments parsed, then the app's approval hook
// (`beforeToolCall`) and the safety system's `require_confirmation`, which takes a person's
// explicit yes. Asserted through what the model is sent and what the tool saw.

const MODEL = 'gemini-2.5-flash';

function transferTool(ran: unknown[]) {
  return defineTool({
    name: 'transfer',
    description: 'Moves money.',
    parameters: z.object({ amount: z.number().positive(), to: z.string() }),
    execute: (input) => {
      ran.push(input);
      return { done: true };
    },
  });
}

/** The functionResponse payload the model got for the first call of step 1. */
function sentResponse(gemini: ReturnType<typeof createScriptedGemini>): Record<string, unknown> {
  return gemini.contentsOf(1).at(-1)?.parts[0]?.functionResponse?.response as Record<
    string,
    unknown
  >;
}

const confirmationCall = (decision: unknown, extra: Record<string, unknown> = {}) =>
  callsTurn(['transfer', { amount: 5, to: 'ana', safety_decision: decision, ...extra }, 'c1']);

describe.each(RUN_MODES)('a safety decision on a call (%s)', (mode) => {
  it('refuses require_confirmation without an approval hook, and tells the model why', async () => {
    const ran: unknown[] = [];
    const gemini = createScriptedGemini([
      confirmationCall({ decision: 'require_confirmation', explanation: 'Money moves.' }),
      textTurn('I could not.'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [transferTool(ran)] });
    const { result } = await runBothWays(mode, agent, 'Pay Ana 5.');
    expect(ran).toEqual([]);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    expect(String(sentResponse(gemini)['error'])).toContain('require_confirmation');
  });

  it('reads the decision in any letter case', async () => {
    const ran: unknown[] = [];
    const gemini = createScriptedGemini([
      confirmationCall({ decision: 'REQUIRE_CONFIRMATION' }),
      textTurn('I could not.'),
    ]);
    await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, tools: [transferTool(ran)] }),
      'Pay.',
    );
    expect(ran).toEqual([]);
  });

  it.each([
    ['a decision that is not a string', { decision: 1 }],
    ['a decision of another value', { decision: 'regular' }],
    ['a safety_decision that is a string', 'require_confirmation'],
  ])('runs a call whose safety_decision is %s as an ordinary call', async (_, decision) => {
    const ran: unknown[] = [];
    const gemini = createScriptedGemini([confirmationCall(decision), textTurn('Paid.')]);
    await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, tools: [transferTool(ran)] }),
      'Pay.',
    );
    expect(ran).toEqual([{ amount: 5, to: 'ana' }]);
    expect(sentResponse(gemini)).toEqual({ done: true });
  });

  it('takes silence from the hook as no, and runs on an explicit approve with the acknowledgement sent', async () => {
    for (const [decision, runs] of [
      [undefined, false],
      [{ type: 'approve' as const }, true],
    ] as const) {
      const ran: unknown[] = [];
      const seen: BeforeToolCallContext[] = [];
      const gemini = createScriptedGemini([
        confirmationCall({ decision: 'require_confirmation', explanation: 'x'.repeat(5_000) }),
        textTurn('Ok.'),
      ]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [transferTool(ran)],
        beforeToolCall: (context) => {
          seen.push(context);
          return decision;
        },
      });
      await runBothWays(mode, agent, 'Pay.');
      expect(ran).toHaveLength(runs ? 1 : 0);
      // The explanation comes from the model's side: shown to a person, so bounded.
      expect(seen[0]?.safetyDecision?.decision).toBe('require_confirmation');
      expect(seen[0]?.safetyDecision?.explanation).toHaveLength(2_000);
      const response = sentResponse(gemini);
      if (runs) expect(response).toEqual({ done: true, safety_acknowledgement: 'true' });
      else expect(String(response['error'])).toContain("return { type: 'approve' }");
    }
  });

  it('runs a confirmed call with modified arguments, checked again, acknowledged', async () => {
    const ran: unknown[] = [];
    const gemini = createScriptedGemini([
      confirmationCall({ decision: 'require_confirmation' }),
      textTurn('Paid less.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool(ran)],
      beforeToolCall: () => ({ type: 'modify', args: { amount: 1, to: 'ana' } }),
    });
    await runBothWays(mode, agent, 'Pay.');
    expect(ran).toEqual([{ amount: 1, to: 'ana' }]);
    expect(sentResponse(gemini)).toEqual({ done: true, safety_acknowledgement: 'true' });
  });
});

describe.each(RUN_MODES)('the approval hook (%s)', (mode) => {
  it('gets the call as it is: parsed and raw args, ids, position, history, signal and path', async () => {
    const seen: BeforeToolCallContext[] = [];
    const gemini = createScriptedGemini([
      callsTurn(
        ['transfer', { amount: 1, to: 'a', note: 'extra' }, 'c1'],
        ['transfer', { amount: 2, to: 'b' }, 'c2'],
      ),
      textTurn('Paid.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool([])],
      beforeToolCall: (context) => {
        seen.push(context);
      },
    });
    await runBothWays(mode, agent, 'Pay both.');
    expect(
      seen.map((context) => [context.toolCallId, context.callIndex, context.stepNumber]),
    ).toEqual([
      ['c1', 0, 1],
      ['c2', 1, 1],
    ]);
    expect(seen[0]?.args).toEqual({ amount: 1, to: 'a' });
    expect(seen[0]?.rawArgs).toEqual({ amount: 1, to: 'a', note: 'extra' });
    expect(seen[0]?.path).toEqual([]);
    expect(seen[0]?.signal.aborted).toBe(false);
    expect(seen[0]?.contents.at(-1)?.role).toBe('model');
    expect(seen[0]?.safetyDecision).toBeUndefined();
  });

  it('is not asked about a call whose arguments fail the schema, nor about an unknown tool', async () => {
    const asked: string[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['transfer', { amount: -5, to: 'a' }, 'c1'], ['nope', {}, 'c2']),
      textTurn('Hm.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool([])],
      beforeToolCall: ({ toolCallId }) => {
        asked.push(toolCallId);
      },
    });
    const { result } = await runBothWays(mode, agent, 'Pay.');
    expect(asked).toEqual([]);
    expect(result.steps[0]?.toolCalls.map((call) => call.outcome)).toEqual([
      'invalid-args',
      'unknown-tool',
    ]);
  });

  it.each([
    ['an empty message', ''],
    ['a message of spaces', '   \n '],
  ])(
    'answers a deny with %s with a sentence telling the model not to retry',
    async (_, message) => {
      const gemini = createScriptedGemini([
        callsTurn(['transfer', { amount: 1, to: 'a' }, 'c1']),
        textTurn('Ok.'),
      ]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [transferTool([])],
        beforeToolCall: () => ({ type: 'deny', message }),
      });
      await runBothWays(mode, agent, 'Pay.');
      expect(String(sentResponse(gemini)['error'])).toContain('Do not call it again');
    },
  );

  it('bounds a long denial at 1,000 characters, never inside an emoji, saying what was left out', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['transfer', { amount: 1, to: 'a' }, 'c1']),
      textTurn('Ok.'),
    ]);
    // 999 letters, then emoji: a cut at 1,000 code units would split the first one.
    const message = `${'n'.repeat(999)}${'😀'.repeat(5_000)}`;
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool([])],
      beforeToolCall: () => ({ type: 'deny', message }),
    });
    const { result } = await runBothWays(mode, agent, 'Pay.');
    const sent = String(sentResponse(gemini)['error']);
    expect(sent.length).toBeLessThan(1_100);
    expect(sent).toContain(`${'n'.repeat(999)}…`);
    expect(sent).toContain(`[${message.length - 1_000} characters omitted]`);
    expect(new TextDecoder().decode(new TextEncoder().encode(sent))).toBe(sent);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
  });

  it('reports modified arguments that fail the schema as the hook’s, the tool not run', async () => {
    const ran: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['transfer', { amount: 1, to: 'a' }, 'c1']),
      textTurn('Ok.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool(ran)],
      beforeToolCall: () => ({ type: 'modify', args: { amount: 'lots' } }),
    });
    const { result } = await runBothWays(mode, agent, 'Pay.');
    expect(ran).toEqual([]);
    const record = result.steps[0]?.toolCalls[0];
    expect(record?.outcome).toBe('invalid-args');
    expect(record?.args).toEqual({ amount: 'lots' });
  });

  it('drops a __proto__ key of modified arguments instead of letting it reach the tool’s prototype', async () => {
    const ran: Record<string, unknown>[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['transfer', { amount: 1, to: 'a' }, 'c1']),
      textTurn('Ok.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool(ran)],
      beforeToolCall: () => ({
        type: 'modify',
        args: JSON.parse('{"amount":2,"to":"b","__proto__":{"admin":true}}'),
      }),
    });
    await runBothWays(mode, agent, 'Pay.');
    expect(ran).toHaveLength(1);
    expect(ran[0]).toEqual({ amount: 2, to: 'b' });
    expect((ran[0] as { admin?: unknown }).admin).toBeUndefined();
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  it('stops waiting for a person when the run is aborted: the run ends, the hook’s signal aborted', async () => {
    const controller = new AbortController();
    let hookSignal: AbortSignal | undefined;
    const gemini = createScriptedGemini([callsTurn(['transfer', { amount: 1, to: 'a' }, 'c1'])]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool([])],
      beforeToolCall: ({ signal }) => {
        hookSignal = signal;
        // A person who never answers.
        queueMicrotask(() => controller.abort(new Error('user left')));
        return new Promise(() => {});
      },
    });
    const error = await rejectionOf(
      runBothWays(mode, agent, 'Pay.', { signal: controller.signal }),
    );
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(((error as AgentAbortedError).cause as Error).message).toBe('user left');
    // The call the person never answered is answered for the model: the history can go on.
    const last = (error as AgentAbortedError).run.contents.at(-1);
    expect(last?.parts[0]?.functionResponse?.id).toBe('c1');
    expect(hookSignal?.aborted).toBe(true);
  });

  it('is asked after a plugin’s beforeToolCall, with the plugin’s arguments', async () => {
    const ran: unknown[] = [];
    const asked: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['transfer', { amount: 1, to: '[PERSON_1]' }, 'c1']),
      textTurn('Ok.'),
    ]);
    const unmask = definePlugin({
      name: 'unmask',
      beforeToolCall: ({ args }) => ({ type: 'args', args: { ...args, to: 'ana@example.com' } }),
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool(ran)],
      plugins: [unmask],
      beforeToolCall: ({ args }) => {
        asked.push(args);
      },
    });
    await runBothWays(mode, agent, 'Pay.');
    expect(asked).toEqual([{ amount: 1, to: 'ana@example.com' }]);
    expect(ran).toEqual([{ amount: 1, to: 'ana@example.com' }]);
  });

  it('is not asked when a plugin answers the call itself', async () => {
    const asked: unknown[] = [];
    const gemini = createScriptedGemini([
      callsTurn(['transfer', { amount: 1, to: 'a' }, 'c1']),
      textTurn('Ok.'),
    ]);
    const cached = definePlugin({
      name: 'cached',
      beforeToolCall: () => ({ type: 'result', result: { done: true, cached: true } }),
    });
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [transferTool([])],
      plugins: [cached],
      beforeToolCall: ({ args }) => {
        asked.push(args);
      },
    });
    await runBothWays(mode, agent, 'Pay.');
    expect(asked).toEqual([]);
    expect(sentResponse(gemini)).toEqual({ done: true, cached: true });
  });
});
