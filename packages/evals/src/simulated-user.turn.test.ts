import { createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { nextSimulatedUserTurn } from './simulated-user.ts';

// One turn of the simulated user, against the fake as its model: the request it sends, and what
// it makes of each answer a model may give, in shape or not. (simulated-user.test.ts drives whole
// conversations through runEval.)

async function next(answer: FakeTurn, transcript: { role: 'user' | 'agent'; text: string }[] = []) {
  await using fake = createFakeGemini({ script: [answer] });
  const result = await nextSimulatedUserTurn({
    gemini: createGemini({ apiKey: 'k', fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    spec: { persona: 'A hurried traveller.', goal: 'Know the weather.' },
    transcript,
    signal: new AbortController().signal,
  });
  const request = fake.modelRequests[0];
  return {
    result,
    request,
    prompt:
      (request!.body as { contents: { parts: { text: string }[] }[] }).contents[0]?.parts[0]
        ?.text ?? '',
  };
}

describe('nextSimulatedUserTurn', () => {
  it('asks the model with the persona, the goal and the conversation, for { done, message } as JSON', async () => {
    const { request, prompt, result } = await next(
      turn.json({ done: false, message: 'Weather in Paris?' }),
      [
        { role: 'user', text: 'Hi' },
        { role: 'agent', text: 'Hello! How can I help?' },
      ],
    );
    expect(result).toEqual({ done: false, message: 'Weather in Paris?' });
    expect(request?.model).toBe('gemini-2.5-flash');
    expect((request!.body as { generationConfig: unknown }).generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: {
        type: 'object',
        properties: { done: { type: 'boolean' }, message: { type: 'string' } },
        required: ['done', 'message'],
      },
    });
    expect(prompt).toContain('<persona>\nA hurried traveller.\n</persona>');
    expect(prompt).toContain(
      '<conversation>\nYou: "Hi"\nAssistant: "Hello! How can I help?"\n</conversation>',
    );
  });

  it('says the conversation has not started before the first turn', async () => {
    const { prompt } = await next(turn.json({ done: false, message: 'Hi' }));
    expect(prompt).toContain('<conversation>\n(not started)\n</conversation>');
  });

  it('a goal met ends the conversation with the model`s reason, or none', async () => {
    expect((await next(turn.json({ done: true, message: 'Got it.' }))).result).toEqual({
      done: true,
      reason: 'Got it.',
    });
    expect((await next(turn.json({ done: true }))).result).toEqual({ done: true, reason: '' });
  });

  it('reads the answer`s text parts, not its thoughts', async () => {
    const answer = turn.parts([
      { text: '{"done": true, "message": "thinking"}', thought: true },
      { text: '{"done": false, ' },
      { text: '"message": "And tomorrow?"}' },
    ]);
    expect((await next(answer)).result).toEqual({ done: false, message: 'And tomorrow?' });
  });

  const outOfShape: [string, FakeTurn][] = [
    ['text that is not JSON', turn.text('Sure, I would ask about Paris.')],
    ['an empty message', turn.json({ done: false, message: '' })],
    ['a message that is not text', turn.json({ done: false, message: 42 })],
    ['a JSON array', turn.json([false, 'hi'])],
    ['done as text', turn.json({ done: 'true' })],
  ];
  it.each(outOfShape)('ends the conversation on an answer out of shape: %s', async (_, answer) => {
    expect((await next(answer)).result).toEqual({
      done: true,
      reason: 'the simulated user did not answer with { done, message }',
    });
  });

  it('cuts a message past its bound between characters', async () => {
    const message = `${'m'.repeat(7999)}😀${'n'.repeat(100)}`;
    const { result } = await next(turn.json({ done: false, message }));
    expect(result).toEqual({ done: false, message: 'm'.repeat(7999) });
  });
});
