import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateHistory } from '../../history/validate-history.ts';
import type { Logger } from '../../logging/logger.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content } from '../../wire/content.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { InvalidHistoryError } from '../errors/invalid-history-error.ts';
import { ModelCallError } from '../errors/model-call-error.ts';
import { hasToolCall } from '../stop-conditions.ts';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperature: 21 }),
});

function recordingLogger(): Logger & {
  warnings: { fields: Record<string, unknown>; message?: string }[];
} {
  const warnings: { fields: Record<string, unknown>; message?: string }[] = [];
  const logger = {
    warnings,
    child: () => logger,
    debug: () => {},
    info: () => {},
    warn: (fields: Record<string, unknown>, message?: string) => {
      warnings.push(message === undefined ? { fields } : { fields, message });
    },
    error: () => {},
  };
  return logger;
}

describe('runLoop', () => {
  it('appends the model content verbatim and answers its calls in one user content', async () => {
    const callTurn = callsTurn(['get_weather', { city: 'Paris' }, 'abc123', 'c2lnbmF0dXJl']);
    const callContent = callTurn.candidates?.[0]?.content as Content;
    // An unknown field on a part must survive the round trip.
    (callContent.parts[0] as Record<string, unknown>)['futureField'] = { kept: true };
    const gemini = createScriptedGemini([callTurn, textTurn('Sunny, 21°C.')]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [weather] });

    const result = await agent.run('Weather in Paris?');

    expect(result.text).toBe('Sunny, 21°C.');
    expect(result.finishReason).toBe('stop');
    expect(result.contents[1]).toBe(callContent);
    expect(gemini.contentsOf(1)).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      callContent,
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'abc123',
              name: 'get_weather',
              response: { city: 'Paris', temperature: 21 },
            },
          },
        ],
      },
    ]);
    // The message given as input is new too: a chat store saves it with the answer.
    expect(result.newContents).toEqual(result.contents);
    expect(result.steps.map((step) => step.toolCalls.length)).toEqual([1, 0]);
    expect(result.usage).toEqual({
      promptTokenCount: 20,
      candidatesTokenCount: 10,
      thoughtsTokenCount: 0,
      toolUsePromptTokenCount: 0,
      cachedContentTokenCount: 0,
      totalTokenCount: 30,
    });
  });

  it('answers parallel calls in call order, without inventing ids for calls that had none', async () => {
    const gemini = createScriptedGemini([
      callsTurn(
        ['get_weather', { city: 'Paris' }, undefined as unknown as string, 'Zmlyc3Q='],
        ['get_weather', { city: 'Oslo' }],
        ['get_weather', { city: 'Rome' }],
      ),
      textTurn('done'),
    ]);
    const delays: Record<string, number> = { Paris: 30, Oslo: 1, Rome: 15 };
    const slowWeather = defineTool({
      name: 'get_weather',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        await new Promise((resolve) => setTimeout(resolve, delays[city]));
        return city.toUpperCase();
      },
    });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [slowWeather] });

    const result = await agent.run('Three cities');

    const responses = gemini.contentsOf(1)[2];
    expect(responses).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_weather', response: { output: 'PARIS' } } },
        { functionResponse: { name: 'get_weather', response: { output: 'OSLO' } } },
        { functionResponse: { name: 'get_weather', response: { output: 'ROME' } } },
      ],
    });
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolCallId, call.hasWireId])).toEqual([
      ['call_1_0', false],
      ['call_1_1', false],
      ['call_1_2', false],
    ]);
    expect(validateHistory(result.contents)).toEqual([]);
  });

  it('sends the same request settings on every step and only the history grows', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['get_weather', { city: 'Paris' }]),
      textTurn('ok'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [weather],
      instructions: 'Be brief.',
      generationConfig: { temperature: 0.2 },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
    });
    await agent.run('Paris?');
    const [first, second] = gemini.calls.map(
      ({ request: { contents: _contents, ...rest } }) => rest,
    );
    expect(first).toEqual({
      model: 'gemini-2.5-flash',
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      tools: [{ functionDeclarations: [weather.declaration] }],
      generationConfig: { temperature: 0.2 },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
    });
    expect(second).toEqual(first);
  });

  it('ends with max-steps after answering the last step’s calls', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['get_weather', { city: 'A' }]),
      callsTurn(['get_weather', { city: 'B' }]),
      callsTurn(['get_weather', { city: 'C' }]),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [weather], maxSteps: 2 });

    const result = await agent.run('Loop');

    expect(result.finishReason).toBe('max-steps');
    expect(gemini.calls).toHaveLength(2);
    expect(result.steps).toHaveLength(2);
    expect(result.contents.at(-1)?.parts[0]?.functionResponse?.response).toEqual({
      city: 'B',
      temperature: 21,
    });
    expect(validateHistory(result.contents)).toEqual([]);
  });

  it('stops when a stop condition holds, with the calls answered', async () => {
    const finalAnswer = defineTool({
      name: 'final_answer',
      parameters: z.object({ answer: z.string() }),
      execute: ({ answer }) => answer,
    });
    const gemini = createScriptedGemini([
      callsTurn(['get_weather', { city: 'A' }]),
      callsTurn(['final_answer', { answer: '42' }]),
      textTurn('never asked'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [weather, finalAnswer],
      toolChoice: 'ANY',
      stopWhen: hasToolCall('final_answer'),
      maxSteps: 5,
    });

    const result = await agent.run('Answer with final_answer');

    expect(result.finishReason).toBe('stop-condition');
    expect(gemini.calls).toHaveLength(2);
    expect(result.steps[1]?.toolCalls[0]?.output).toBe('42');
    expect(gemini.calls[0]?.request.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('wraps a failed model call with the history and steps so far', async () => {
    const apiError = new Error('503 UNAVAILABLE');
    const gemini = createScriptedGemini([
      callsTurn(['get_weather', { city: 'A' }]),
      { error: apiError },
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [weather] });

    const error = await agent.run('Go').catch((caught: unknown) => caught);

    expect(ModelCallError.isInstance(error)).toBe(true);
    const failure = error as ModelCallError;
    expect(failure.cause).toBe(apiError);
    expect(failure.stepNumber).toBe(2);
    expect(failure.run.steps).toHaveLength(1);
    expect(failure.run.contents).toHaveLength(3);
    expect(failure.run.usage.totalTokenCount).toBe(15);
    expect(validateHistory(failure.run.contents)).toEqual([]);
    // The history is not in the error's JSON (it can be megabytes), only its size.
    expect(JSON.parse(JSON.stringify(failure))).toMatchObject({
      code: 'model-call',
      run: { contents: 3, steps: 1 },
    });
  });

  it('calls onStepEnd after every step with the steps so far', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['get_weather', { city: 'A' }]),
      textTurn('ok'),
    ]);
    const seen: number[][] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [weather],
      onStepEnd: async (step, { steps }) => {
        seen.push([step.stepNumber, steps.length]);
      },
    });
    await agent.run('Go');
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('turns a throwing onStepEnd into a run error with the history', async () => {
    const gemini = createScriptedGemini([textTurn('ok')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      onStepEnd: () => {
        throw new Error('disk full');
      },
    });
    const error = await agent.run('Go').catch((caught: unknown) => caught);
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect((error as AgentRunError).message).toContain('disk full');
    expect((error as AgentRunError).run.contents).toHaveLength(2);
  });
});

describe('runLoop input', () => {
  it('continues a history given as contents and counts only the new turns as new', async () => {
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
    ];
    const gemini = createScriptedGemini([textTurn('Paris is sunny.')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });

    const result = await agent.run('Weather in Paris?', { history });

    expect(gemini.contentsOf(0)).toEqual([
      ...history,
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
    ]);
    expect(result.newContents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      { role: 'model', parts: [{ text: 'Paris is sunny.' }] },
    ]);
    expect(history).toHaveLength(2);
  });

  it('rejects a history the API would reject before any request, listing the issues', async () => {
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const bad = [
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'assistant', parts: [{ text: 'Hello' }] },
      { role: 'user', parts: [] },
    ] as unknown as Content[];

    const error = await agent.run(bad).catch((caught: unknown) => caught);

    expect(InvalidHistoryError.isInstance(error)).toBe(true);
    expect((error as InvalidHistoryError).issues.map((issue) => issue.code)).toEqual([
      'invalid-role',
      'empty-parts',
    ]);
    expect(gemini.calls).toHaveLength(0);
  });

  it('answers the calls a history ends with before calling the model', async () => {
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
      {
        role: 'model',
        parts: [
          {
            functionCall: { id: 'k1', name: 'get_weather', args: { city: 'Oslo' } },
            thoughtSignature: 'c2ln',
          },
        ],
      },
    ];
    const gemini = createScriptedGemini([textTurn('Cold.')]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [weather] });

    const result = await agent.run(history);

    expect(result.steps.map((step) => step.kind)).toEqual(['resume', 'tools']);
    expect(gemini.contentsOf(0)[2]).toEqual({
      role: 'user',
      parts: [
        {
          functionResponse: {
            id: 'k1',
            name: 'get_weather',
            response: { city: 'Oslo', temperature: 21 },
          },
        },
      ],
    });
    expect(result.newContents.map((content) => content.role)).toEqual(['user', 'model']);
  });

  it('adds the dummy signature to unsigned calls of user history on Gemini 3, with a warning, and leaves signed parts alone', async () => {
    const signed = {
      functionCall: { name: 'get_weather', args: { city: 'A' } },
      thoughtSignature: 'cmVhbA==',
    };
    const unsignedFirst = { functionCall: { name: 'get_weather', args: { city: 'B' } } };
    const unsignedSecond = { functionCall: { name: 'get_weather', args: { city: 'C' } } };
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Weather?' }] },
      { role: 'model', parts: [signed] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { output: 1 } } }],
      },
      { role: 'model', parts: [unsignedFirst, unsignedSecond] },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: 2 } } },
          { functionResponse: { name: 'get_weather', response: { output: 3 } } },
        ],
      },
    ];
    const snapshot = structuredClone(history);
    const logger = recordingLogger();
    const gemini = createScriptedGemini([textTurn('ok')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [weather],
      logger,
    });

    await agent.run(history);

    const sent = gemini.contentsOf(0);
    expect(sent[1]?.parts[0]).toEqual(signed);
    expect(sent[3]?.parts[0]).toEqual({
      ...unsignedFirst,
      thoughtSignature: 'skip_thought_signature_validator',
    });
    // Only the first call of a turn needs one (parallel calls are signed on the first only).
    expect(sent[3]?.parts[1]).toEqual(unsignedSecond);
    expect(history).toEqual(snapshot);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.fields['parts']).toEqual(['contents[3].parts[0]']);
  });

  it('signs a Gemini 3 call turn that lost its signature on the way (a gateway), with a warning', async () => {
    const logger = recordingLogger();
    const gemini = createScriptedGemini([
      callsTurn(['get_weather', { city: 'A' }, 'i1'], ['get_weather', { city: 'B' }, 'i2']),
      callsTurn(['get_weather', { city: 'C' }, 'i3', 'cmVhbA==']),
      textTurn('ok'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [weather],
      logger,
    });

    const result = await agent.run('Weather?');

    expect(result.contents[1]?.parts.map((part) => part.thoughtSignature)).toEqual([
      'skip_thought_signature_validator',
      undefined,
    ]);
    expect(result.contents[1]).not.toBe(result.steps[0]?.content);
    // A signed turn is appended as the very object received.
    expect(result.contents[3]).toBe(result.steps[1]?.content);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.fields['toolName']).toBe('get_weather');
  });

  it('leaves unsigned calls alone on models that do not require signatures', async () => {
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Weather?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'B' } } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { output: 2 } } }],
      },
    ];
    const gemini = createScriptedGemini([textTurn('ok')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [weather] });
    await agent.run(history);
    expect(gemini.contentsOf(0)).toEqual(history);
  });

  it('rejects a history that ends with a model answer', async () => {
    const agent = createAgent({ gemini: createScriptedGemini([]), model: 'gemini-2.5-flash' });
    await expect(
      agent.run([
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello' }] },
      ]),
    ).rejects.toThrow(/nothing for the model to reply to/);
  });

  it('takes parts as one user message', async () => {
    const gemini = createScriptedGemini([textTurn('A cat.')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    await agent.run([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } },
    ]);
    expect(gemini.contentsOf(0)).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'What is this?' },
          { inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } },
        ],
      },
    ]);
  });

  it('never mutates the caller’s history array', async () => {
    const input: Content[] = [{ role: 'user', parts: [{ text: 'x' }] }];
    const gemini = createScriptedGemini([textTurn('y')]);
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run(input);
    expect(input).toEqual([{ role: 'user', parts: [{ text: 'x' }] }]);
    expect(result.contents).not.toBe(input);
    expect(result.newContents).toEqual([{ role: 'model', parts: [{ text: 'y' }] }]);
  });
});
