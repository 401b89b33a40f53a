// A seventh outside pass (attack-core7): a run's own generationConfig (and the agent's) written as
// a caller who reads the proto could write it. Public imports only, against the fake Gemini on
// 127.0.0.1, which reads both spellings of a field as the API does (gemini-wire.md §1: "Parsers
// accept both the lowerCamelCase name … and the original proto field name").
import { createAgent, createChatSession, InvalidArgumentError } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

const answer = () => [turn.text('{"a":"x"}'), turn.text('{"a":"y"}')];
const generationOf = (body: unknown) =>
  (body as { generationConfig?: Record<string, unknown> }).generationConfig;

/** An agent that sets thinking and structured output itself. */
const agentOn = (gemini: Parameters<typeof createAgent>[0]['gemini']) =>
  createAgent({
    gemini,
    model: MODEL,
    thinking: { budget: 512 },
    output: z.object({ a: z.string() }),
  });

// What the agent sets itself, in the proto's own spelling: each slipped past the camelCase checks
// and reached the wire beside the agent's own field (eight candidates billed; a second
// thinking_config or response_mime_type the API reads last-wins or refuses as a duplicate).
const snakeSpellings: [string, Record<string, unknown>][] = [
  ['candidate_count', { candidate_count: 8 }],
  ['thinking_config', { thinking_config: { thinking_budget: 0 } }],
  ['response_mime_type', { response_mime_type: 'text/plain' }],
  ['response_schema', { response_schema: { type: 'STRING' } }],
  ['response_json_schema', { response_json_schema: { type: 'string' } }],
  ['_responseJsonSchema', { _responseJsonSchema: { type: 'string' } }],
];

describe('a generationConfig field the agent sets itself, in the proto spelling', () => {
  for (const mode of MODES) {
    for (const [field, config] of snakeSpellings) {
      it(`run option ${field} (${mode}): refused naming it, nothing sent`, async () => {
        const { fake, gemini } = await serve(answer());
        const { error } = await outcome(agentOn(gemini), mode, 'Hi', {
          generationConfig: config as never,
        });
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect((error as InvalidArgumentError).argument).toBe(`options.generationConfig.${field}`);
        expect(fake.modelRequests).toHaveLength(0);
      });
    }
  }

  for (const [field, config] of snakeSpellings) {
    it(`agent option ${field}: refused at createAgent naming it`, async () => {
      const { gemini } = await serve(answer());
      expect(() =>
        createAgent({
          gemini,
          model: MODEL,
          thinking: { budget: 512 },
          output: z.object({ a: z.string() }),
          generationConfig: config as never,
        }),
      ).toThrow(expect.objectContaining({ argument: `generationConfig.${field}` }));
    });
  }

  it('a chat send: candidate_count refused, nothing sent, nothing saved', async () => {
    const { fake, gemini } = await serve(answer());
    const chat = createChatSession({ agent: createAgent({ gemini, model: MODEL }) });
    await expect(
      chat.send('Hi', { generationConfig: { candidate_count: 8 } as never }),
    ).rejects.toMatchObject({ argument: 'options.generationConfig.candidate_count' });
    expect(fake.modelRequests).toHaveLength(0);
    expect(await chat.turns()).toEqual([]);
  });
});

describe('generationConfig values at the edges', () => {
  for (const mode of MODES) {
    it(`one candidate asked as "1" or 1 is sent as given (${mode})`, async () => {
      for (const candidateCount of ['1', 1]) {
        const { fake, gemini } = await serve(answer());
        const { result, error } = await outcome(agentOn(gemini), mode, 'Hi', {
          generationConfig: { candidateCount } as never,
        });
        expect(error).toBeUndefined();
        expect(result?.output).toEqual({ a: 'x' });
        expect(generationOf(fake.modelRequests[0]?.body)?.['candidateCount']).toBe(candidateCount);
      }
    });

    it(`NaN, ±Infinity, 1e308 and a float past the float range are refused before a request (${mode})`, async () => {
      const bad: [string, unknown][] = [
        ['temperature', Number.NaN],
        ['topP', Number.POSITIVE_INFINITY],
        ['temperature', 1e308],
        ['topK', Number.NEGATIVE_INFINITY],
        ['maxOutputTokens', 2 ** 31],
        ['seed', 'NaN'],
        ['temperature', 'Infinity'],
      ];
      for (const [field, value] of bad) {
        const { fake, gemini } = await serve(answer());
        const { error } = await outcome(agentOn(gemini), mode, 'Hi', {
          generationConfig: { [field]: value } as never,
        });
        expect((error as InvalidArgumentError).argument, `${field}: ${String(value)}`).toBe(
          `options.generationConfig.${field}`,
        );
        expect(fake.modelRequests).toHaveLength(0);
      }
    });

    it(`-0 goes as 0; an out-of-range value is the API's 400, once, not retried (${mode})`, async () => {
      const zero = await serve(answer());
      const ok = await outcome(agentOn(zero.gemini), mode, 'Hi', {
        generationConfig: { temperature: -0 },
      });
      expect(ok.error).toBeUndefined();
      // JSON.stringify writes -0 as 0 (a parsed "-0" would be -0).
      expect(Object.is(generationOf(zero.fake.modelRequests[0]?.body)?.['temperature'], 0)).toBe(
        true,
      );
      const far = await serve(answer());
      const { error } = await outcome(agentOn(far.gemini), mode, 'Hi', {
        generationConfig: { temperature: 1e38 },
      });
      expect((error as Error).name).toBe('ModelCallError');
      expect(far.fake.modelRequests).toHaveLength(1);
    });

    it(`a __proto__ key is sent as the own field it is, and the API's refusal ends the run (${mode})`, async () => {
      const { fake, gemini } = await serve(answer());
      const config = JSON.parse('{"__proto__": {"candidateCount": 8}, "temperature": 0.1}');
      const { error } = await outcome(agentOn(gemini), mode, 'Hi', { generationConfig: config });
      // Not read as an inherited candidateCount (no eight candidates), not dropped: the API's
      // own "Unknown name" answer, one request.
      expect((error as Error).name).toBe('ModelCallError');
      expect(fake.modelRequests).toHaveLength(1);
      expect(Object.getPrototypeOf(generationOf(fake.modelRequests[0]?.body))).toBe(
        Object.prototype,
      );
    });
  }
});
