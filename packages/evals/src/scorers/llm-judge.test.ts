import { createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import type { EvalCase } from '../eval-case.ts';
import type { ScoreContext } from '../scorer.ts';
import { llmJudge } from './llm-judge.ts';

// The judge past its main path (scorers.test.ts): what question it is shown for each kind of
// case, what it makes of a verdict out of range or wrapped in thoughts, and a reason of any size.

const context = (evalCase: Partial<EvalCase>, text = 'It is 18 °C.'): ScoreContext => ({
  evalCase: { id: 'c', ...evalCase },
  run: { text, turns: [text], output: undefined, toolCalls: [] },
  signal: new AbortController().signal,
});
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

async function judged(
  script: ReturnType<typeof turn.text>[],
  evalCase: Partial<EvalCase>,
  options = {},
) {
  await using fake = createFakeGemini({ script });
  const judge = llmJudge({
    gemini: createGemini({ apiKey: 'k', fetch: fake.fetch }),
    rubric: 'Gives the temperature.',
    ...options,
  });
  const score = await judge.score(context(evalCase));
  const body = fake.modelRequests[0]?.body as { contents: { parts: { text: string }[] }[] };
  return {
    score,
    prompt: body.contents[0]?.parts[0]?.text ?? '',
    model: fake.modelRequests[0]?.model,
  };
}

describe('llmJudge', () => {
  it('shows a conversation`s turns as the question, and leaves out the reference when there is none', async () => {
    const { prompt, model } = await judged([turn.json({ score: 1, reason: 'ok' })], {
      conversation: ['Hi', 'Weather in Paris?'],
    });
    expect(prompt).toContain('<question>\n"Hi\\n---\\nWeather in Paris?"\n</question>');
    expect(prompt).not.toContain('<reference-answer>');
    expect(model).toBe('gemini-3-flash-preview');
  });

  it('shows an input of contents as their JSON', async () => {
    const input = [{ role: 'user' as const, parts: [{ text: 'Weather?' }] }];
    const { prompt } = await judged([turn.json({ score: 1, reason: 'ok' })], { input });
    expect(prompt).toContain(JSON.stringify(JSON.stringify(input)).replaceAll('<', '\\u003c'));
  });

  it('clamps a score out of [0, 1] before its threshold decides', async () => {
    const high = await judged([turn.json({ score: 7, reason: 'great' })], { input: 'q' });
    expect(high.score).toEqual({ scorer: 'judge', score: 1, pass: true, reason: 'great' });
    const low = await judged(
      [turn.json({ score: -2, reason: 'bad' })],
      { input: 'q' },
      { threshold: 0, name: 'strict' },
    );
    expect(low.score).toEqual({ scorer: 'strict', score: 0, pass: true, reason: 'bad' });
  });

  it('reads the verdict from the answer`s text parts, not its thoughts', async () => {
    const answer = turn.parts([
      { text: '{"score": 0, "reason": "thinking aloud"}', thought: true },
      { text: '{"score": 0.9, ' },
      { text: '"reason": "split across parts"}' },
    ]);
    const { score } = await judged([answer], { input: 'q' });
    expect(score).toMatchObject({ score: 0.9, reason: 'split across parts' });
  });

  it('a verdict with a score as text or no reason fails, saying so', async () => {
    for (const verdict of [{ score: '0.9', reason: 'r' }, { score: 0.9 }, [0.9, 'r'], null]) {
      const { score } = await judged([turn.json(verdict)], { input: 'q' });
      expect(score, JSON.stringify(verdict)).toEqual({
        scorer: 'judge',
        score: 0,
        pass: false,
        reason: 'the judge did not answer with { score, reason }',
      });
    }
  });

  it('keeps a long reason to 1000 characters, never half an emoji', async () => {
    const reason = `${'r'.repeat(999)}😀${'s'.repeat(5000)}`;
    const { score } = await judged([turn.json({ score: 1, reason })], { input: 'q' });
    expect(score?.reason).toBe('r'.repeat(999));
    expect(score?.reason).not.toMatch(loneSurrogate);
  });
});
