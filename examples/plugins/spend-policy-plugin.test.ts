import { type AgentEvent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { definePlugin, GuardrailTrippedError, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { spendPolicy } from './spend-policy-plugin.ts';

// A third party's guardrail on the plugin seam, public imports only (issue 53): `ask` sends a call
// to the agent's approval hook as one that needs an explicit approve, and `run.trip` ends the run
// with the typed `GuardrailTrippedError` a built-in guardrail ends it with, streamed and unary.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

type Mode = 'run' | 'stream';
type Agent = ReturnType<typeof createAgent>;

async function go(agent: Agent, mode: Mode, input: string) {
  if (mode === 'run')
    return { result: await agent.run(input), events: [] as AgentEvent<unknown>[] };
  const stream = agent.stream(input);
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}

async function failure(agent: Agent, mode: Mode, input: string): Promise<unknown> {
  return go(agent, mode, input).then(
    () => undefined,
    (error: unknown) => error,
  );
}

function payments(paid: unknown[]) {
  return defineTool({
    name: 'pay',
    description: 'Pays an amount.',
    parameters: z.object({ amount: z.number(), to: z.string() }),
    execute: ({ amount, to }) => {
      paid.push({ amount, to });
      return { paid: amount };
    },
  });
}

type Body = { contents: { role: string; parts: { functionResponse?: { response: unknown } }[] }[] };

function lastResponse(fake: FakeGemini): unknown {
  const body = fake.requests.at(-1)?.body as Body;
  return body.contents.at(-1)?.parts[0]?.functionResponse?.response;
}

describe('a third-party guardrail plugin (spendPolicy): ask and trip', () => {
  it.each(['run', 'stream'] as const)(
    'asks the approval hook, which sees who asked and the parsed arguments (%s)',
    async (mode) => {
      const { gemini } = await serve([
        turn.call('pay', { amount: 20, to: 'Ann' }),
        turn.text('Paid.'),
      ]);
      const paid: unknown[] = [];
      const asked: unknown[] = [];
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [payments(paid)],
        plugins: [spendPolicy({ tools: ['pay'], limit: 100 })],
        beforeToolCall: ({ toolName, args, askedBy }) => {
          asked.push({ toolName, args, askedBy });
          return { type: 'approve' };
        },
      });
      const { result } = await go(agent, mode, 'Pay Ann 20.');
      expect(result.text).toBe('Paid.');
      expect(asked).toEqual([
        { toolName: 'pay', args: { amount: 20, to: 'Ann' }, askedBy: 'spend-policy' },
      ]);
      expect(paid).toEqual([{ amount: 20, to: 'Ann' }]);
    },
  );

  it.each(['run', 'stream'] as const)(
    'denies an asked call that the hook approved by silence, or that no hook could approve (%s)',
    async (mode) => {
      for (const hook of ['silent', 'none'] as const) {
        const { fake, gemini } = await serve([
          turn.call('pay', { amount: 20, to: 'Ann' }),
          turn.text('Not paid.'),
        ]);
        const paid: unknown[] = [];
        const agent = createAgent({
          gemini,
          model: 'gemini-2.5-flash',
          tools: [payments(paid)],
          plugins: [spendPolicy({ tools: ['pay'], limit: 100 })],
          ...(hook === 'silent' && { beforeToolCall: () => undefined }),
        });
        const { result } = await go(agent, mode, 'Pay Ann 20.');
        expect(paid).toEqual([]);
        expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
        const told = JSON.stringify(lastResponse(fake));
        expect(told).toContain(`needs a person's approval (\\"spend-policy\\" asked for it)`);
        expect(told).toContain(
          hook === 'silent' ? 'beforeToolCall did not give it' : 'no beforeToolCall hook',
        );
      }
    },
  );

  it.each(['run', 'stream'] as const)(
    'a trip before a call ends the run with GuardrailTrippedError, the turn answered (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([
        turn.call('pay', { amount: 5000, to: 'Bob' }),
        turn.text('never asked for'),
      ]);
      const paid: unknown[] = [];
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [payments(paid)],
        plugins: [spendPolicy({ tools: ['pay'], limit: 100 })],
        beforeToolCall: () => ({ type: 'approve' }),
      });
      const error = await failure(agent, mode, 'Pay Bob 5000.');
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(PluginError.isInstance(error)).toBe(false);
      const tripped = error as GuardrailTrippedError;
      expect(tripped.phase).toBe('tool-input');
      expect(tripped.guardrailName).toBe('spend-limit');
      expect(tripped.reason).toBe('pay asked for 5000, over the limit of 100');
      expect(tripped.toJSON()).toMatchObject({ guardrailName: 'spend-limit', phase: 'tool-input' });
      expect(paid).toEqual([]);
      expect(fake.requests).toHaveLength(1);
      // The history stays valid: the call is answered, so a chat could go on from it.
      const last = tripped.run.contents.at(-1);
      expect(last?.role).toBe('user');
      expect(last?.parts[0]?.functionResponse?.name).toBe('pay');
    },
  );

  it.each(['run', 'stream'] as const)(
    'a trip after an answer ends the run with the output phase (%s)',
    async (mode) => {
      const { gemini } = await serve([turn.text('Your card is 4111 1111 1111 1111.')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [spendPolicy({ tools: ['pay'], limit: 100 })],
      });
      const error = (await failure(agent, mode, 'What is my card?')) as GuardrailTrippedError;
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(error.phase).toBe('output');
      expect(error.guardrailName).toBe('no-card-numbers');
      // Checked before the answer joined the history: the run's history has no model turn.
      expect(error.run.contents.map((content) => content.role)).toEqual(['user']);
    },
  );

  it.each(['run', 'stream'] as const)(
    'a trip from afterToolCall and from beforeModelCall is typed too; its reason is redacted (%s)',
    async (mode) => {
      const { gemini } = await serve([turn.call('pay', { amount: 1, to: 'Ann' }), turn.text('ok')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [payments([])],
        plugins: [
          definePlugin({
            name: 'result-check',
            afterToolCall: (_result, run) =>
              run.trip({
                guardrailName: 'leak',
                phase: 'tool-output',
                reason: 'key test-key seen',
              }),
          }),
        ],
      });
      const error = (await failure(agent, mode, 'Pay Ann 1.')) as GuardrailTrippedError;
      expect(GuardrailTrippedError.isInstance(error)).toBe(true);
      expect(error.phase).toBe('tool-output');
      // The client's key never reaches an error.
      expect(error.reason).not.toContain('test-key');
      expect(error.run.contents.at(-1)?.parts[0]?.functionResponse?.name).toBe('pay');

      const before = createAgent({
        gemini: (await serve([turn.text('unused')])).gemini,
        model: 'gemini-2.5-flash',
        plugins: [
          definePlugin({
            name: 'input-check',
            beforeModelCall: (_call, run) =>
              run.trip({ guardrailName: 'topic', phase: 'input', reason: 'off topic' }),
          }),
        ],
      });
      const blocked = (await failure(before, mode, 'Tell me a joke.')) as GuardrailTrippedError;
      expect(GuardrailTrippedError.isInstance(blocked)).toBe(true);
      expect(blocked).toMatchObject({
        phase: 'input',
        guardrailName: 'topic',
        reason: 'off topic',
      });
      expect(blocked.run.steps).toHaveLength(0);
    },
  );

  it.each(['run', 'stream'] as const)(
    'checkToolCall sees the parsed arguments a beforeToolCall gave; bad ones never reach it (%s)',
    async (mode) => {
      const { fake, gemini } = await serve([
        turn.call('pay', { amount: 'lots', to: 'Ann' }),
        turn.call('pay', { amount: 7, to: 'Ann' }),
        turn.text('Done.'),
      ]);
      const seen: unknown[] = [];
      const paid: unknown[] = [];
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [payments(paid)],
        plugins: [
          definePlugin({
            name: 'round-down',
            beforeToolCall: (call) =>
              typeof call.args['amount'] === 'number'
                ? {
                    type: 'args',
                    args: { ...call.args, amount: Math.floor(call.args['amount'] / 2) },
                  }
                : undefined,
          }),
          definePlugin({
            name: 'watch',
            checkToolCall: (call) => {
              seen.push({ args: call.args, input: call.input });
              return call.callIndex === 0 && (call.input as { amount: number }).amount > 2
                ? { type: 'deny', message: 'Too much for today.' }
                : undefined;
            },
          }),
        ],
      });
      const { result } = await go(agent, mode, 'Pay Ann.');
      expect(result.text).toBe('Done.');
      // The first call's arguments did not parse: no check saw it. The second was halved first.
      expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('invalid-args');
      expect(seen).toEqual([{ args: { amount: 3, to: 'Ann' }, input: { amount: 3, to: 'Ann' } }]);
      expect(result.steps[1]?.toolCalls[0]?.outcome).toBe('denied');
      expect(paid).toEqual([]);
      expect(JSON.stringify(lastResponse(fake))).toContain('Too much for today.');
    },
  );

  it.each(['run', 'stream'] as const)(
    'checkAnswer rewrites what the caller gets before the step ends; the history keeps the model’s words (%s)',
    async (mode) => {
      const { gemini } = await serve([turn.text('Call me at 555-0100, or mail a@b.example.')]);
      const stepEnds: string[] = [];
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        onStepEnd: (step) => {
          stepEnds.push(step.text);
        },
        plugins: [
          definePlugin({
            name: 'no-phones',
            checkAnswer: ({ text }) => ({ text: text.replace(/\d{3}-\d{4}/g, '[phone]') }),
          }),
          definePlugin({
            name: 'no-mail',
            checkAnswer: ({ text }) => ({ text: text.replace(/\S+@\S+\.example/g, '[mail]') }),
          }),
        ],
      });
      const { result, events } = await go(agent, mode, 'How do I reach you?');
      // Each check saw the one before's text: both rewrites hold.
      expect(result.text).toBe('Call me at [phone], or mail [mail].');
      expect(result.contents.at(-1)?.parts[0]?.text).toBe(
        'Call me at 555-0100, or mail a@b.example.',
      );
      expect(stepEnds).toHaveLength(1);
      if (mode === 'stream')
        expect(events.filter((event) => event.type === 'guardrail-retraction')).toEqual([
          expect.objectContaining({
            stepNumber: 1,
            name: 'no-mail',
            text: 'Call me at [phone], or mail [mail].',
          }),
        ]);
    },
  );

  it('a bad trip or ask is the plugin’s failure, naming it and the hook', async () => {
    for (const [hook, plugin] of [
      [
        'beforeToolCall',
        definePlugin({
          name: 'bad-trip',
          beforeToolCall: (_call, run) =>
            run.trip({ guardrailName: 'x', phase: 'somewhere' as never, reason: 'r' }),
        }),
      ],
      [
        'beforeToolCall',
        definePlugin({ name: 'bad-ask', beforeToolCall: () => ({ type: 'ask', askedBy: '' }) }),
      ],
      [
        'checkToolCall',
        definePlugin({ name: 'bad-check', checkToolCall: () => ({ type: 'allow' }) as never }),
      ],
      [
        'checkAnswer',
        definePlugin({ name: 'bad-answer', checkAnswer: () => ({ type: 'pass' }) as never }),
      ],
    ] as const) {
      const { gemini } = await serve([turn.call('pay', { amount: 1, to: 'Ann' }), turn.text('ok')]);
      const paid: unknown[] = [];
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [payments(paid)],
        plugins: [plugin],
      });
      const error = await failure(agent, 'run', 'Pay Ann 1.');
      expect(PluginError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ plugin: plugin.name, hook });
      // A bad check of the call never runs it; the answer's check comes after the call ran.
      expect(paid).toEqual(hook === 'checkAnswer' ? [{ amount: 1, to: 'Ann' }] : []);
    }
  });
});
