// attack58: the Interactions backend sending a history back whole (store: false, or a history the
// entry does not know: another process, a chat store). Google's Interactions docs: thought steps
// "appear chronologically alongside function calls, user inputs or model outputs in the `steps`
// array" (ai.google.dev/gemini-api/docs/interactions/thinking). A model turn sent back must keep
// that order, or the server is told the model called before it spoke.
import { createAgent, createGemini, defineTool, type Part } from '@gemloop/core';
import { interactionsApi } from '@gemloop/core/interactions';
import {
  type CreateFakeGeminiOptions,
  createFakeGemini,
  type FakeGemini,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const MODEL = 'gemini-3-flash-preview';
// A signature the fake's validator takes as its own (see create-interactions-entry.wire.test.ts).
const SIGNATURE = 'c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => `found ${q}`,
});

/** An agent on the Interactions API without server state (store: false), on a fake of `script`. */
async function agentOn(script: CreateFakeGeminiOptions['script'], model = MODEL) {
  const fake = createFakeGemini({ script, chunkSize: 5 });
  fakes.push(fake);
  const { url } = await fake.listen();
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
    model,
    tools: [lookup],
    api: interactionsApi({ store: false }),
  });
  return { fake, agent };
}

/** The `input` of each interaction created on `fake`, in order. */
const inputsOf = (fake: FakeGemini): Record<string, unknown>[][] =>
  fake.requests
    .filter((request) => request.method === 'interactions.create')
    .map((request) => (request.body as { input: Record<string, unknown>[] }).input);

const typesOf = (steps: readonly Record<string, unknown>[] | undefined): unknown[] =>
  (steps ?? []).map((step) => step['type']);

/** A model turn of `parts` and then `Done.`, run by an agent on the Interactions API. */
async function runOn(parts: Part[], mode: 'run' | 'stream') {
  const { fake, agent } = await agentOn([
    turn.raw({ candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }] }),
    turn.text('Done.'),
  ]);
  const result =
    mode === 'run' ? await agent.run('Look it up.') : await agent.stream('Look it up.').result;
  return { result, inputs: inputsOf(fake) };
}

describe.each(['run', 'stream'] as const)('a model turn sent back whole (%s)', (mode) => {
  it('keeps the text the model wrote before its call before that call', async () => {
    const { result, inputs } = await runOn(
      [
        { thought: true, text: 'I should look.', thoughtSignature: SIGNATURE },
        { text: 'Let me check.' },
        { functionCall: { name: 'lookup', args: { q: 'a' } }, thoughtSignature: SIGNATURE },
      ],
      mode,
    );
    expect(result.text).toBe('Done.');
    // Read back in the order the model wrote it, by the fake's steps and by the agent.
    expect(
      result.contents[1]?.parts.map((part) =>
        part.thought ? 'thought' : part.functionCall ? 'call' : 'text',
      ),
    ).toEqual(['thought', 'text', 'call']);
    expect(typesOf(inputs[1])).toEqual([
      'user_input',
      'thought',
      'model_output',
      'function_call',
      'function_result',
    ]);
  });

  it('keeps a thought that came after text after it, and text between two calls between them', async () => {
    const { inputs } = await runOn(
      [
        { text: 'First, ' },
        { thought: true, text: 'hmm', thoughtSignature: SIGNATURE },
        { functionCall: { name: 'lookup', args: { q: 'a' } }, thoughtSignature: SIGNATURE },
        { text: 'and then ' },
        { functionCall: { name: 'lookup', args: { q: 'b' } } },
      ],
      mode,
    );
    const steps = inputs[1] as Record<string, unknown>[];
    expect(steps.map((step) => step['type'])).toEqual([
      'user_input',
      'model_output',
      'thought',
      'function_call',
      'model_output',
      'function_call',
      'function_result',
      'function_result',
    ]);
    expect(steps[1]).toEqual({
      type: 'model_output',
      content: [{ type: 'text', text: 'First, ' }],
    });
    expect(steps[4]).toEqual({
      type: 'model_output',
      content: [{ type: 'text', text: 'and then ' }],
    });
  });
});

describe('a signature the model wrote after its text, in a history sent whole', () => {
  it.each([
    ['a part holding only the signature', { thoughtSignature: SIGNATURE }],
    ['an empty thought carrying it', { thought: true, text: '', thoughtSignature: SIGNATURE }],
  ])('keeps %s as the thought step before the text', async (_name, signed) => {
    const { fake, agent } = await agentOn([turn.text('Done.')]);
    // A history kept from generateContent (a chat store), answered on the Interactions API.
    await agent.run([
      { role: 'user', parts: [{ text: 'Look it up.' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me check.' },
          signed as Part,
          {
            functionCall: { id: 'c1', name: 'lookup', args: { q: 'a' } },
            thoughtSignature: SIGNATURE,
          },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'c1', name: 'lookup', response: { output: 'found a' } } },
        ],
      },
    ]);
    const input = inputsOf(fake)[0] ?? [];
    expect(typesOf(input)).toEqual([
      'user_input',
      'thought',
      'model_output',
      'function_call',
      'function_result',
    ]);
  });
});

describe('a history without call ids (generateContent on Gemini 2.x) sent whole', () => {
  it('gives two parallel calls of one tool two ids, each result answering its own call', async () => {
    const { fake, agent } = await agentOn(
      [turn.text('Done.'), turn.text('Again.')],
      'gemini-2.5-flash',
    );
    const exchange = (question: string, first: string, second: string) => [
      { role: 'user' as const, parts: [{ text: question }] },
      {
        role: 'model' as const,
        parts: [
          { functionCall: { name: 'lookup', args: { q: first } } },
          { functionCall: { name: 'lookup', args: { q: second } } },
        ],
      },
      {
        role: 'user' as const,
        parts: [
          { functionResponse: { name: 'lookup', response: { output: first.toUpperCase() } } },
          { functionResponse: { name: 'lookup', response: { output: second.toUpperCase() } } },
        ],
      },
    ];
    await agent.run([
      ...exchange('Look a and b.', 'a', 'b'),
      { role: 'model', parts: [{ text: 'A and B.' }] },
      ...exchange('Now c and d.', 'c', 'd'),
    ]);
    const input = inputsOf(fake)[0] ?? [];
    const pairs = input.flatMap((step) =>
      step['type'] === 'function_call'
        ? [`call ${String(step['id'])} ${JSON.stringify(step['arguments'])}`]
        : step['type'] === 'function_result'
          ? [`result ${String(step['call_id'])} ${JSON.stringify(step['result'])}`]
          : [],
    );
    expect(pairs).toEqual([
      'call lookup {"q":"a"}',
      'call lookup-2 {"q":"b"}',
      'result lookup {"output":"A"}',
      'result lookup-2 {"output":"B"}',
      'call lookup-3 {"q":"c"}',
      'call lookup-4 {"q":"d"}',
      'result lookup-3 {"output":"C"}',
      'result lookup-4 {"output":"D"}',
    ]);
  });
});

describe('a user turn that answers the calls and says more, sent whole', () => {
  it('sends the results right after their calls, and the text after the results', async () => {
    const { fake, agent } = await agentOn([turn.text('Done.')]);
    await agent.run([
      { role: 'user', parts: [{ text: 'Look it up.' }] },
      {
        role: 'model',
        parts: [
          {
            functionCall: { id: 'c1', name: 'lookup', args: { q: 'a' } },
            thoughtSignature: SIGNATURE,
          },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'c1', name: 'lookup', response: { output: 'found a' } } },
          { text: 'Also, be brief.' },
        ],
      },
    ]);
    const input = inputsOf(fake)[0] ?? [];
    expect(typesOf(input)).toEqual([
      'user_input',
      'function_call',
      'function_result',
      'user_input',
    ]);
  });
});
