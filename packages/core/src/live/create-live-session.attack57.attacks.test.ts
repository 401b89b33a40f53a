// attack57: a Live session's tool calls against what a run does with the same tools and plugins.
// Each case failed before its fix (bench/RESULTS.md, attack57).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createScriptedGemini } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ToolExecutionError } from '../agent/errors/tool-execution-error.ts';
import { ToolInputError } from '../agent/errors/tool-input-error.ts';
import { ToolTimeoutError } from '../agent/errors/tool-timeout-error.ts';
import { UnknownToolError } from '../agent/errors/unknown-tool-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { subagent } from '../composition/subagent.ts';
import { guardrails } from '../guardrails/index.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil, responsesOf } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

/** A scripted model for a run of the same agent: a call of `name`, then `text`. */
function callThenText(id: string, name: string, text: string) {
  return createScriptedGemini([
    {
      candidates: [
        { content: { role: 'model', parts: [{ functionCall: { id, name, args: {} } }] } },
      ],
    },
    { candidates: [{ content: { role: 'model', parts: [{ text }] } }] },
  ]);
}

/** A tool that never settles and never reads its signal (a driver call with no timeout of its own). */
function deafTool(name: string, options: { timeoutMs?: number; behavior?: 'NON_BLOCKING' } = {}) {
  let started = 0;
  const tool = defineTool({
    name,
    description: 'Never answers.',
    ...options,
    execute: () => {
      started += 1;
      return new Promise<never>(() => {});
    },
  });
  return { tool, started: () => started };
}

const quick = defineTool({
  name: 'quick',
  description: 'Answers at once.',
  execute: async () => ({ ok: true }),
});

const failing = defineTool({
  name: 'lookup',
  description: 'Looks up.',
  execute: async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
  },
});

describe('a Live tool that never looks at its signal', () => {
  it('is answered at its time limit, worded as a run words it, and the next turn plays', async () => {
    const deaf = deafTool('stuck', { timeoutMs: 200 });
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'stuck', id: 's1' }] }], [{ text: 'Gave up.' }]] },
      { tools: [deaf.tool] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    // Before: the call was never answered, the model waited on it for good (no turn-end).
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    const message =
      'stuck did not finish within 200 ms and was stopped. Try again with a smaller request, or do without it.';
    expect(events.filter((event) => event.type === 'tool-error')).toEqual([
      { type: 'tool-error', toolCallId: 's1', toolName: 'stuck', outcome: 'error', message },
    ]);
    expect(events.at(-2)).toEqual({ type: 'text-delta', text: 'Gave up.' });
    expect(responsesOf(fake)).toEqual([{ id: 's1', name: 'stuck', response: { error: message } }]);
    expect(fake.errors).toEqual([]);
  });

  it('gives its concurrency slot back when the server cancels it: the next call runs', async () => {
    const deaf = deafTool('listen', { behavior: 'NON_BLOCKING' });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            { toolCalls: [{ name: 'listen', id: 'bg1' }] },
            { cancelToolCalls: ['bg1'] },
            { toolCalls: [{ name: 'quick', id: 'q1' }] },
          ],
          [{ text: 'Done.' }],
        ],
      },
      { tools: [deaf.tool, quick], toolConcurrency: 1 },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    // Before: the cancelled call held the one slot for good, so `quick` never ran nor was answered.
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    expect(deaf.started()).toBe(1);
    expect(
      events.filter((event) => event.type === 'tool-error' || event.type === 'tool-result'),
    ).toEqual([
      {
        type: 'tool-error',
        toolCallId: 'bg1',
        toolName: 'listen',
        outcome: 'cancelled',
        message: 'The server cancelled the call.',
      },
      {
        type: 'tool-result',
        toolCallId: 'q1',
        toolName: 'quick',
        output: { ok: true },
        scheduling: undefined,
      },
    ]);
    // The cancelled call is never answered (the server forgot it); `quick` once.
    expect(responsesOf(fake)).toEqual([{ id: 'q1', name: 'quick', response: { ok: true } }]);
    expect(fake.errors).toEqual([]);
  });
});

describe("a Live tool's failure, worded as a run words it", () => {
  it("a plugin's rewriteToolError writes what the model gets, bounded and keyless", async () => {
    const KEY = 'AIzaLiveRewrite57-0123456789abcdefghij';
    const plugin = definePlugin({
      name: 'apology',
      rewriteToolError: (_error, { toolName }) =>
        `${toolName} is down (${KEY}).\n    at secret (/srv/app/db.ts:3:9)`,
    });
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'lookup', id: 'l1' }] }], [{ text: 'Sorry.' }]] },
      { tools: [failing], plugins: [plugin] },
      KEY,
    );
    await using session = await createLiveSession(agent);
    session.sendText('Look it up');
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    // Before: the plugin was skipped and the model got the default ("lookup failed: connect …").
    const message = 'lookup is down ([redacted]).';
    expect(responsesOf(fake)).toEqual([{ id: 'l1', name: 'lookup', response: { error: message } }]);
    expect(events.find((event) => event.type === 'tool-error')).toMatchObject({ message });
  });

  it("the guardrails' onToolError wins over a plugin's, as in a run (guardrails come after)", async () => {
    const plugin = definePlugin({ name: 'apology', rewriteToolError: () => 'from the plugin' });
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'lookup', id: 'l1' }] }], [{ text: 'Sorry.' }]] },
      {
        tools: [failing],
        plugins: [plugin],
        guardrails: guardrails({ onToolError: () => 'from the guardrails' }),
      },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Look it up');
    await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    expect(responsesOf(fake)).toEqual([
      { id: 'l1', name: 'lookup', response: { error: 'from the guardrails' } },
    ]);
    // The same agent's run takes the same one (the check that the order above is a run's).
    const gemini = callThenText('l1', 'lookup', 'Sorry.');
    const runAgent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [failing],
      plugins: [plugin],
      guardrails: guardrails({ onToolError: () => 'from the guardrails' }),
    });
    await runAgent.run('Look it up');
    expect(JSON.stringify(gemini.contentsOf(1).at(-1))).toContain('from the guardrails');
  });

  it("a subagent's failure reaches the model in the subagent's words, once", async () => {
    const helper = createAgent({
      gemini: createScriptedGemini([{ error: new Error('child model down') }]),
      model: 'gemini-2.5-flash',
      name: 'helper',
    });
    const seen: unknown[] = [];
    const plugin = definePlugin({
      name: 'watcher',
      rewriteToolError: (error, { defaultMessage }) => {
        seen.push(error);
        return defaultMessage;
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'helper', args: { task: 'x' }, id: 'h1' }] }],
          [{ text: 'ok' }],
        ],
      },
      { tools: [subagent(helper, { name: 'helper', description: 'Helps.' })], plugins: [plugin] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    // Before: "helper failed: The subagent helper failed: …", the tool's name said twice.
    expect(responsesOf(fake)).toEqual([
      {
        id: 'h1',
        name: 'helper',
        response: {
          error: 'The subagent helper failed: The model call of step 1 failed: child model down',
        },
      },
    ]);
    // The rewrite sees the child's own error, as a run's does (not the delegation's wrapper).
    expect(seen).toHaveLength(1);
    expect(String((seen[0] as Error).message)).toContain('child model down');
    expect((seen[0] as Error).message).not.toContain('The subagent helper failed');
  });
});

describe("a Live tool's time limit, counted as a run counts it", () => {
  it('starts when the tool starts: a person deciding longer than the limit is no timeout', async () => {
    let ran = 0;
    const timed = defineTool({
      name: 'transfer',
      description: 'Moves money.',
      timeoutMs: 300,
      execute: async () => {
        ran += 1;
        return { done: true };
      },
    });
    // A person takes longer than the tool's own limit to approve.
    const beforeToolCall = async () => {
      await new Promise((resolve) => setTimeout(resolve, 900));
      return { type: 'approve' as const };
    };
    const { fake, agent } = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'transfer', id: 't1' }] }], [{ text: 'Sent.' }]] },
      { tools: [timed], beforeToolCall },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Send it');
    await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    // Before: the call was stopped while the person decided ("did not finish within 300 ms").
    expect(responsesOf(fake)).toEqual([{ id: 't1', name: 'transfer', response: { done: true } }]);
    expect(ran).toBe(1);
    // A run of the same agent: the same answer (its limit is the tool's run, not the approval).
    const gemini = callThenText('t1', 'transfer', 'Sent.');
    const runAgent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [timed],
      beforeToolCall,
    });
    const result = await runAgent.run('Send it');
    expect(result.steps[0]?.toolCalls[0]?.output).toEqual({ done: true });
  });
});

describe("the agent's toolErrors: 'throw' in a live session", () => {
  it('a tool that throws: the call is answered, then the session ends with ToolExecutionError, secrets out', async () => {
    const KEY = 'AIzaLiveToolErrors57-0123456789abcdefgh';
    const login = defineTool({
      name: 'login',
      description: 'Logs in.',
      parameters: z.object({ user: z.string(), password: z.string() }),
      secretArguments: ['password'],
      execute: async () => {
        throw new Error(`backend refused ${KEY}`);
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            {
              toolCalls: [{ name: 'login', id: 'p1', args: { user: 'ada', password: 'hunter2' } }],
            },
          ],
          [{ text: 'never' }],
        ],
      },
      { tools: [login], toolErrors: 'throw' },
      KEY,
    );
    const session = await createLiveSession(agent);
    session.sendText('log in');
    // Before: the option was not read; the model was told and the session went on.
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ toolName: 'login', toolCallId: 'p1', args: { user: 'ada' } });
    expect(JSON.stringify((error as ToolExecutionError).args)).not.toContain('hunter2');
    expect((error as Error).message).toContain("toolErrors: 'throw'");
    expect((error as Error).message).not.toContain(KEY);
    expect(((error as Error).cause as Error).message).toContain('backend refused');
    // The call is answered first, as a run's history holds it answered.
    await expect.poll(() => responsesOf(fake).length).toBe(1);
  });

  it('an unknown tool, a timeout and bad arguments end it typed; a denial does not', async () => {
    const cases = [
      { call: { name: 'nope', id: 'u1' }, is: UnknownToolError.isInstance },
      { call: { name: 'stuck', id: 't1' }, is: ToolTimeoutError.isInstance },
      { call: { name: 'quick', id: 'i1', args: { extra: 1 } }, is: ToolInputError.isInstance },
    ];
    const strict = defineTool({
      name: 'quick',
      description: 'Answers at once.',
      parameters: z.object({}).strict(),
      execute: async () => ({ ok: true }),
    });
    for (const { call, is } of cases) {
      const { agent } = await liveFixture(
        { script: [[{ toolCalls: [call] }], [{ text: 'never' }]] },
        { tools: [strict, deafTool('stuck', { timeoutMs: 100 }).tool], toolErrors: 'throw' },
      );
      const session = await createLiveSession(agent);
      session.sendText('go');
      const error = await session.closed.catch((thrown: unknown) => thrown);
      expect(is(error), call.name).toBe(true);
    }
    const denied = await liveFixture(
      { script: [[{ toolCalls: [{ name: 'quick', id: 'd1' }] }], [{ text: 'Denied, fine.' }]] },
      {
        tools: [quick],
        toolErrors: 'throw',
        beforeToolCall: () => ({ type: 'deny' as const, message: 'No.' }),
      },
    );
    await using session = await createLiveSession(denied.agent);
    session.sendText('go');
    const events = await readUntil(session[Symbol.asyncIterator](), (e) => e.type === 'turn-end');
    expect(events.at(-2)).toEqual({ type: 'text-delta', text: 'Denied, fine.' });
  });
});

describe("a call's arguments that are no object", () => {
  it('JSON text as args is refused by the schema, as in a run, not run with {}', async () => {
    const seen: unknown[] = [];
    const find = defineTool({
      name: 'find',
      description: 'Finds.',
      parameters: z.object({ city: z.string().optional() }),
      execute: async (args) => {
        seen.push(args);
        return { ok: true };
      },
    });
    const call = { name: 'find', id: 'f1', args: '{"city":"Paris"}' };
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            { frame: { toolCall: { functionCalls: [call] } } },
            { frame: { toolCall: { functionCalls: [{ name: 'find', id: 'f2', args: null }] } } },
          ],
          [{ text: 'ok' }],
        ],
      },
      { tools: [find] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    await expect.poll(() => responsesOf(fake).length).toBe(2);
    // Before: the tool ran with {} (the model's city dropped) and answered { ok: true }.
    const [refused, none] = responsesOf(fake) as {
      id: string;
      response: Record<string, unknown>;
    }[];
    expect(refused?.id).toBe('f1');
    expect(String(refused?.response['error'])).toContain('Invalid arguments for find');
    // A relay's null is no arguments: the call runs with {}.
    expect(none).toEqual({ id: 'f2', name: 'find', response: { ok: true } });
    expect(seen).toEqual([{}]);
  });
});
