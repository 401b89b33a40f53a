import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResult } from '../tools/responses/tool-result.ts';
import type { Content } from '../wire/content.ts';
import { guardrails } from './index.ts';

// attack59c: a tool guardrail's `before` got the very arguments object the tool then ran with,
// and `after` the very result the model was then sent. A guardrail that "normalised" what it
// checked in place (`call.args.amount = ...`: a slip from reading it) made the tool run with
// arguments its schema never parsed (here 1,000,000 past a `max(10)`) while the history and the
// result's toolCalls kept the model's 5; and an `after` that scrubbed a field in place changed
// what the model read with no `replace` recorded, and `toolCall.output`, the tool's own value,
// with it. A guardrail changes a call only through its verdict.
//
// The same held for input and output guardrails: an input check that edited
// `value.contents[0].parts[0].text` in place edited the caller's own contents (a run given a
// history) and what the model was sent, with no rewrite recorded; an output check that edited
// `value.output` changed `result.output` with no rewrite recorded.

const MODEL = 'gemini-2.5-flash';

function payAgent(ran: unknown[], mutate: 'before' | 'after') {
  const pay = defineTool({
    name: 'pay',
    description: 'Pays an amount up to 10.',
    parameters: z.object({ amount: z.number().max(10) }),
    execute: (args) => {
      ran.push(structuredClone(args));
      return { paid: args.amount, account: 'acct-1234' };
    },
  });
  const gemini = createScriptedGemini([callsTurn(['pay', { amount: 5 }]), textTurn('done')]);
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [pay],
    guardrails: guardrails({
      tools: [
        mutate === 'before'
          ? {
              name: 'careless-before',
              before: (call) => {
                (call.args as { amount: number }).amount = 1_000_000;
                return { type: 'allow' };
              },
            }
          : {
              name: 'careless-after',
              after: (call) => {
                (call as { result: { account?: string } }).result.account = '[scrubbed]';
                return { type: 'pass' };
              },
            },
      ],
    }),
  });
  return { agent, gemini };
}

describe('a tool guardrail that changes what it was given in place', () => {
  it('before: the tool runs with the arguments the schema parsed, as the history says', async () => {
    const ran: unknown[] = [];
    const { agent } = payAgent(ran, 'before');
    const result = await agent.run('pay 5');
    expect(ran).toEqual([{ amount: 5 }]);
    expect(result.steps[0]?.toolCalls[0]?.args).toEqual({ amount: 5 });
  });

  it('after: the model gets the tool’s result, and toolCall.output stays the tool’s own', async () => {
    const ran: unknown[] = [];
    const { agent, gemini } = payAgent(ran, 'after');
    const result = await agent.run('pay 5');
    const sent = JSON.stringify(gemini.contentsOf(1).at(-1));
    expect(sent).toContain('acct-1234');
    expect(sent).not.toContain('[scrubbed]');
    expect(result.steps[0]?.toolCalls[0]?.output).toEqual({ paid: 5, account: 'acct-1234' });
  });

  it('after: a toolResult() with media the guardrail changes and replaces with is still media', async () => {
    const shot = defineTool({
      name: 'shot',
      description: 'A screenshot.',
      parameters: z.object({}),
      execute: () =>
        toolResult({
          response: { caption: 'secret-caption' },
          parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
        }),
    });
    const gemini = createScriptedGemini([callsTurn(['shot', {}]), textTurn('seen')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [shot],
      guardrails: guardrails({
        tools: [
          {
            name: 'caption-scrub',
            after: (call) => {
              const result = call.result as { response: { caption: string } };
              result.response.caption = '[scrubbed]';
              return { type: 'replace', result };
            },
          },
        ],
      }),
    });
    await agent.run('shoot');
    const response = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse;
    // Sent as media: the response and the image as parts of the function response, not the
    // toolResult object as JSON data ({ kind: 'tool-result', response, parts }).
    expect(response?.response).toEqual({ caption: '[scrubbed]' });
    expect(response?.parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
  });

  it('a value structuredClone refuses (a function in the arguments) is still checked', async () => {
    const seen: unknown[] = [];
    const tool = defineTool({
      name: 'run_it',
      description: 'Runs it.',
      parameters: z
        .object({ n: z.number() })
        .transform((args) => ({ ...args, later: () => args.n })),
      execute: (args) => args.later(),
    });
    const gemini = createScriptedGemini([callsTurn(['run_it', { n: 3 }]), textTurn('done')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [tool],
      guardrails: guardrails({
        tools: [{ name: 'spy', before: (call) => void seen.push(call.args) }],
      }),
    });
    const result = await agent.run('run it');
    expect(result.text).toBe('done');
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(gemini.contentsOf(1).at(-1))).toContain('3');
  });
});

describe('an input or output guardrail that changes what it was given in place', () => {
  it.each([
    ['before the call', false],
    ['beside the first call', true],
  ])('input, %s: the caller’s contents and the request stay as given', async (_name, parallel) => {
    const gemini = createScriptedGemini([textTurn('ok')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      guardrails: guardrails({
        input: [
          {
            name: 'careless-input',
            runInParallel: parallel,
            check: (value) => {
              const first = (value.contents as Content[])[0];
              if (first?.parts?.[0] !== undefined) first.parts[0].text = 'MUTATED';
              (value.contents as Content[]).push({ role: 'user', parts: [{ text: 'pushed' }] });
            },
          },
        ],
      }),
    });
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
      { role: 'user', parts: [{ text: 'original' }] },
    ];
    const given = structuredClone(history);
    const result = await agent.run(history);
    expect(history).toEqual(given);
    expect(gemini.contentsOf(0)).toEqual(given);
    expect(result.contents.slice(0, 3)).toEqual(given);
  });

  it('output: result.output is the validated answer, not the check’s edit', async () => {
    const gemini = createScriptedGemini([textTurn('{"n":1,"card":"4111"}')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      output: z.object({ n: z.number(), card: z.string() }),
      guardrails: guardrails({
        output: [
          {
            name: 'careless-output',
            check: (value) => {
              (value.output as { card: string }).card = 'XXXX';
            },
          },
        ],
      }),
    });
    const result = await agent.run('x');
    expect(result.output).toEqual({ n: 1, card: '4111' });
  });
});
