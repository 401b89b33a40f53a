import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readFixtureJson } from '../../__fixtures__/recorded-gemini.ts';
import { validateHistory } from '../../history/validate-history.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import {
  callsTurn,
  createScriptedGemini,
  finishTurn,
  textTurn,
} from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { InvalidModelResponseError } from '../errors/invalid-model-response-error.ts';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => `result for ${q}`,
});

function agentWith(script: Parameters<typeof createScriptedGemini>[0], maxReasks?: number) {
  const gemini = createScriptedGemini(script);
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [lookup],
    ...(maxReasks === undefined ? {} : { maxReasks }),
  });
  return { gemini, agent };
}

describe('finish reasons', () => {
  it('ends MAX_TOKENS with that reason and the partial text (recorded response)', async () => {
    const response = readFixtureJson<GenerateContentResponse>(
      'responses/gemini25-flash__finish-MAX_TOKENS-truncated-text.json',
    );
    const { agent } = agentWith([response]);
    const result = await agent.run('Write a poem');
    expect(result.finishReason).toBe('max-tokens');
    expect(result.rawFinishReason).toBe('MAX_TOKENS');
    expect(result.text).toBe(response.candidates?.[0]?.content?.parts?.[0]?.text);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.contents).toHaveLength(2);
  });

  it('ends MAX_TOKENS without parts with empty text and no empty model content (recorded response)', async () => {
    const response = readFixtureJson<GenerateContentResponse>(
      'responses/gemini25-pro__finish-MAX_TOKENS-no-parts.json',
    );
    const { agent } = agentWith([response]);
    const result = await agent.run('Think hard');
    expect(result.finishReason).toBe('max-tokens');
    expect(result.text).toBe('');
    expect(result.contents).toHaveLength(1);
    expect(result.steps[0]?.appended).toBe(false);
  });

  it('ends SAFETY with a blocked outcome carrying the ratings (recorded response)', async () => {
    const response = readFixtureJson<GenerateContentResponse>(
      'responses/gemini15-flash__finish-SAFETY-empty-content.json',
    );
    const { agent } = agentWith([response]);
    const result = await agent.run('Something unsafe');
    expect(result.finishReason).toBe('content-filter');
    expect(result.blocked).toEqual({
      source: 'response',
      reason: 'SAFETY',
      message: undefined,
      safetyRatings: response.candidates?.[0]?.safetyRatings,
      citationMetadata: undefined,
    });
    expect(result.blocked?.safetyRatings.some((rating) => rating.blocked === true)).toBe(true);
    expect(result.contents).toHaveLength(1);
  });

  it('ends a blocked prompt (no candidates) with a prompt outcome (recorded response)', async () => {
    const response = readFixtureJson<GenerateContentResponse>(
      'responses/vertex-gemini25-flash__promptFeedback-blockReason-no-candidates.json',
    );
    const { agent } = agentWith([response]);
    const result = await agent.run('Blocked prompt');
    expect(result.finishReason).toBe('content-filter');
    expect(result.blocked?.source).toBe('prompt');
    expect(result.blocked?.reason).toBe('MODEL_ARMOR');
    expect(result.blocked?.message).toBe(response.promptFeedback?.blockReasonMessage);
    expect(result.usage.promptTokenCount).toBe(response.usageMetadata?.promptTokenCount ?? 0);
  });

  it.each([
    'SAFETY',
    'RECITATION',
    'PROHIBITED_CONTENT',
    'BLOCKLIST',
    'SPII',
    'IMAGE_SAFETY',
    'IMAGE_PROHIBITED_CONTENT',
    'IMAGE_RECITATION',
    'MODEL_ARMOR',
  ])('ends %s as content-filter, keeping a partial answer', async (reason) => {
    const citationMetadata = { citationSources: [{ uri: 'https://example.com/lyrics' }] };
    const { agent } = agentWith([
      finishTurn(reason, [{ text: 'Partial' }], { finishMessage: 'blocked', citationMetadata }),
    ]);
    const result = await agent.run('Go');
    expect(result.finishReason).toBe('content-filter');
    expect(result.blocked).toMatchObject({
      source: 'response',
      reason,
      message: 'blocked',
      citationMetadata,
    });
    expect(result.text).toBe('Partial');
    expect(result.contents.at(-1)).toEqual({ role: 'model', parts: [{ text: 'Partial' }] });
  });

  it.each(['LANGUAGE', 'OTHER', 'NO_IMAGE', 'FINISH_REASON_UNSPECIFIED', 'SOME_FUTURE_REASON'])(
    'ends %s as other, with the raw reason kept',
    async (reason) => {
      const { agent } = agentWith([finishTurn(reason, undefined, { finishMessage: 'why' })]);
      const result = await agent.run('Go');
      expect(result.finishReason).toBe('other');
      expect(result.rawFinishReason).toBe(reason);
      expect(result.finishMessage).toBe('why');
      expect(result.blocked).toBeUndefined();
    },
  );

  it('drops a blocked turn that holds function calls, so no call stays unanswered', async () => {
    const { agent } = agentWith([
      finishTurn('SAFETY', [{ functionCall: { name: 'lookup', args: { q: 'x' } } }]),
    ]);
    const result = await agent.run('Go');
    expect(result.finishReason).toBe('content-filter');
    expect(result.contents).toHaveLength(1);
    expect(result.steps[0]?.content?.parts[0]?.functionCall?.name).toBe('lookup');
    expect(validateHistory(result.contents)).toEqual([]);
  });
});

describe('re-asks', () => {
  it('re-asks a MALFORMED_FUNCTION_CALL with a corrective note and counts its usage', async () => {
    const { agent, gemini } = agentWith([
      finishTurn('MALFORMED_FUNCTION_CALL', undefined, {
        finishMessage: 'Malformed function call: lookup(q=',
      }),
      callsTurn(['lookup', { q: 'x' }]),
      textTurn('Found it.'),
    ]);
    const result = await agent.run('Find x');
    expect(result.text).toBe('Found it.');
    expect(gemini.contentsOf(1)).toEqual([
      { role: 'user', parts: [{ text: 'Find x' }] },
      {
        role: 'user',
        parts: [
          {
            text: 'Your last function call could not be parsed (Malformed function call: lookup(q=). Call the function again with arguments that are valid JSON and match its declared parameters, or answer in text. The available functions are: lookup.',
          },
        ],
      },
    ]);
    expect(result.steps[0]?.reask?.reason).toBe('malformed-function-call');
    expect(result.steps[0]?.appended).toBe(false);
    expect(result.usage.totalTokenCount).toBe(10 + 15 + 15);
    expect(validateHistory(result.contents)).toEqual([]);
  });

  it('re-asks a MALFORMED_RESPONSE like a malformed call, within the same maxReasks', async () => {
    const { agent, gemini } = agentWith([
      finishTurn('MALFORMED_RESPONSE', [{ text: '{"broken' }], { finishMessage: 'unparsable' }),
      textTurn('Fine now.'),
    ]);
    const result = await agent.run('Go');
    expect(result.text).toBe('Fine now.');
    expect(result.steps[0]?.reask?.reason).toBe('malformed-response');
    expect(result.steps[0]?.appended).toBe(false);
    expect(gemini.contentsOf(1)[1]?.parts[0]?.text).toBe(
      'Your last response could not be read (unparsable). Answer again, in well-formed text or with a valid function call. The available functions are: lookup.',
    );
    const limited = agentWith(
      [
        finishTurn('MALFORMED_RESPONSE', undefined),
        finishTurn('MALFORMED_FUNCTION_CALL', undefined),
      ],
      1,
    );
    const error = (await limited.agent
      .run('Go')
      .catch((caught: unknown) => caught)) as InvalidModelResponseError;
    expect(InvalidModelResponseError.isInstance(error)).toBe(true);
    expect(error.attempts).toBe(2);
  });

  it('re-asks an UNEXPECTED_TOOL_CALL naming the available functions', async () => {
    const { agent, gemini } = agentWith([
      finishTurn('UNEXPECTED_TOOL_CALL', [{ text: '' }]),
      textTurn('ok'),
    ]);
    await agent.run('Go');
    expect(gemini.contentsOf(1)[1]?.parts[0]?.text).toBe(
      'Your last response called a tool that is not available in this request. The available functions are: lookup. Call only those, or answer in text.',
    );
  });

  it('re-asks an empty STOP (no parts, or only an empty signed text) instead of appending an empty turn', async () => {
    const { agent, gemini } = agentWith([
      finishTurn('STOP', []),
      finishTurn('STOP', [{ text: '', thoughtSignature: 'c2ln' }]),
      textTurn('Here.'),
    ]);
    const result = await agent.run('Go');
    expect(result.text).toBe('Here.');
    expect(gemini.calls).toHaveLength(3);
    expect(result.contents.every((content) => content.parts.length > 0)).toBe(true);
    expect(result.contents.map((content) => content.role)).toEqual([
      'user',
      'user',
      'user',
      'model',
    ]);
  });

  it('throws a typed error after maxReasks bad answers in a row, with the history', async () => {
    const { agent, gemini } = agentWith(
      [
        finishTurn('MALFORMED_FUNCTION_CALL', undefined),
        finishTurn('MALFORMED_FUNCTION_CALL', undefined),
      ],
      1,
    );
    const error = (await agent
      .run('Go')
      .catch((caught: unknown) => caught)) as InvalidModelResponseError;
    expect(InvalidModelResponseError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('malformed-function-call');
    expect(error.attempts).toBe(2);
    expect(gemini.calls).toHaveLength(2);
    expect(error.run.steps).toHaveLength(2);
    expect(error.run.usage.totalTokenCount).toBe(20);
    expect(validateHistory(error.run.contents)).toEqual([]);
  });

  it('resets the re-ask budget after a good step', async () => {
    const { agent } = agentWith(
      [
        finishTurn('MALFORMED_FUNCTION_CALL', undefined),
        callsTurn(['lookup', { q: 'a' }]),
        finishTurn('MALFORMED_FUNCTION_CALL', undefined),
        textTurn('done'),
      ],
      1,
    );
    await expect(agent.run('Go')).resolves.toMatchObject({ text: 'done' });
  });
});
