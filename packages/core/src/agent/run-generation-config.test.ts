import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../chat/create-chat-session.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { modelFallback } from '../fallback/model-fallback.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentBody, GenerationConfig } from '../wire/request.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';

// The `generationConfig` run option: this run's settings over the agent's, in every request of
// the run (tool steps, streamed or not, and the final-output call), checked as the agent option
// is, and gone for the agent's next run.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(
  script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script'],
  faults: NonNullable<Parameters<typeof createFakeGemini>[0]>['faults'] = [],
) {
  const fake = createFakeGemini({ script, faults });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, forecast: 'sunny' }),
});

const generationOf = (body: unknown) => (body as GenerateContentBody).generationConfig;

describe('the generationConfig run option', () => {
  it('reaches every request of the run over the agent’s, unary and streamed, and not the next run', async () => {
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve([
        turn.call('get_weather', { city: 'Paris' }),
        turn.text('Sunny.'),
        turn.text('Again.'),
      ]);
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [weather],
        generationConfig: { temperature: 1, topK: 20 },
      });
      const generationConfig = { temperature: 0.2, maxOutputTokens: 64, stopSequences: ['END'] };
      const options = { generationConfig };
      const result = streaming
        ? await agent.stream('Weather in Paris?', options).result
        : await agent.run('Weather in Paris?', options);
      expect(result.text).toBe('Sunny.');
      expect(fake.requests).toHaveLength(2);
      for (const request of fake.requests) {
        expect(request.status, `streaming ${streaming}`).toBe(200);
        expect(generationOf(request.body)).toEqual({
          temperature: 0.2,
          topK: 20,
          maxOutputTokens: 64,
          stopSequences: ['END'],
        });
      }
      // Given once, kept by the caller: not changed, not kept by the agent.
      expect(generationConfig).toEqual({
        temperature: 0.2,
        maxOutputTokens: 64,
        stopSequences: ['END'],
      });
      await (streaming ? agent.stream('Again?').result : agent.run('Again?'));
      expect(generationOf(fake.requests[2]?.body)).toEqual({ temperature: 1, topK: 20 });
    }
  });

  it('sends one spelling of a field: the run’s replaces the agent’s in the other spelling', async () => {
    // Both spellings in one request left the choice to the API's parser (ProtoJSON keeps the
    // last key; a nonconformant one, a gateway's, may refuse the request), not to the documented
    // precedence (the run's over the agent's).
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve([turn.text('Short.')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        // The proto spelling is not in the type: it comes from JSON, a config file.
        generationConfig: { maxOutputTokens: 100, top_p: 0.5, temperature: 1 } as GenerationConfig,
      });
      const generationConfig = { max_output_tokens: 50, topP: 0.9 } as GenerationConfig;
      const options = { generationConfig };
      await (streaming
        ? agent.stream('Be brief.', options).result
        : agent.run('Be brief.', options));
      expect(generationOf(fake.requests[0]?.body), `streaming ${streaming}`).toEqual({
        temperature: 1,
        max_output_tokens: 50,
        topP: 0.9,
      });
    }
  });

  it('reaches a chat send’s run, sent and streamed, and only that send’s', async () => {
    const { fake, gemini } = await serve([
      turn.text('One.'),
      turn.text('Two.'),
      turn.text('Three.'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
    const chat = createChatSession({ agent });
    await chat.send('Hi', { generationConfig: { temperature: 0.1 } });
    await chat.sendStream('Again', { generationConfig: { seed: 3 } }).result;
    await chat.send('Once more');
    expect(fake.requests.map((request) => generationOf(request.body))).toEqual([
      { temperature: 0.1 },
      { seed: 3 },
      undefined,
    ]);
    await expect(
      chat.send('Bad', { generationConfig: { candidateCount: 3 } }),
    ).rejects.toMatchObject({ argument: 'options.generationConfig.candidateCount' });
    expect(fake.requests).toHaveLength(3);
    expect((await chat.turns()).length).toBe(3);
  });

  it('reaches a call the run sends to another model (modelFallback), over that model’s config', async () => {
    const { fake, gemini } = await serve(
      [turn.call('get_weather', { city: 'Rome' }), turn.text('Sunny in Rome.')],
      [
        {
          fault: { type: 'overloaded' },
          on: ({ model }) => model === 'gemini-3-flash-preview',
        },
      ],
    );
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [weather],
      generationConfig: { topK: 8 },
      plugins: [modelFallback({ models: ['gemini-3-pro-preview'] })],
    });
    const result = await agent.run('Rome?', { generationConfig: { temperature: 0.4 } });
    expect(result.text).toBe('Sunny in Rome.');
    const models = fake.modelRequests.map((request) => request.model);
    expect(models).toContain('gemini-3-pro-preview');
    for (const request of fake.modelRequests) {
      expect(generationOf(request.body), request.model).toEqual({ topK: 8, temperature: 0.4 });
    }
  });

  it('stays with the agent it was given to: an agent the run hands off to uses its own settings', async () => {
    const billingGemini = createScriptedGemini([textTurn('Refund issued.')]);
    const billing = createAgent({
      gemini: billingGemini,
      model: 'gemini-2.5-flash',
      name: 'billing',
      generationConfig: { topK: 5 },
    });
    const triageGemini = createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]);
    const triage = createAgent({
      gemini: triageGemini,
      model: 'gemini-2.5-flash',
      name: 'triage',
      tools: [handoff(billing)],
    });
    const result = await triage.run('Refund, please.', { generationConfig: { temperature: 0 } });
    expect(result.handoffs).toEqual(['billing']);
    expect(triageGemini.calls[0]?.request.generationConfig).toEqual({ temperature: 0 });
    expect(billingGemini.calls[0]?.request.generationConfig).toEqual({ topK: 5 });
  });

  it('stays with the agent it was given to: a subagent’s requests carry its own agent’s settings', async () => {
    for (const streaming of [false, true]) {
      const researcherGemini = createScriptedGemini([textTurn('Found it.')]);
      const researcher = createAgent({
        gemini: researcherGemini,
        model: 'gemini-2.5-flash',
        name: 'researcher',
        generationConfig: { topK: 5 },
      });
      const leadGemini = createScriptedGemini([
        callsTurn(['research', { task: 'Find the order.' }, 'c1']),
        textTurn('Done.'),
      ]);
      const lead = createAgent({
        gemini: leadGemini,
        model: 'gemini-2.5-flash',
        name: 'lead',
        tools: [subagent(researcher, { name: 'research', description: 'Researches.' })],
      });
      const generationConfig = { temperature: 0, maxOutputTokens: 32 };
      const result = streaming
        ? await lead.stream('Where is my order?', { generationConfig }).result
        : await lead.run('Where is my order?', { generationConfig });
      expect(result.text).toBe('Done.');
      // The lead's own calls carry the run's settings; the child's, its own agent's alone.
      expect(leadGemini.calls.map((call) => call.request.generationConfig)).toEqual([
        generationConfig,
        generationConfig,
      ]);
      expect(researcherGemini.calls.map((call) => call.request.generationConfig)).toEqual([
        { topK: 5 },
      ]);
    }
  });

  it('shows in the recorded run: each model-call-start line’s request carries the merged settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-gen-'));
    try {
      const { gemini } = await serve([
        turn.call('get_weather', { city: 'Paris' }),
        turn.text('Sunny.'),
      ]);
      const recorder = createRunRecorder({ dir });
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [weather],
        recorder,
        generationConfig: { topK: 20 },
      });
      await agent.run('Weather?', { generationConfig: { temperature: 0.2, seed: 7 } });
      await recorder.flush();
      const [name] = await readdir(dir);
      const lines = (await readFile(join(dir, name as string), 'utf8'))
        .trim()
        .split('\n')
        .map(
          (line) => JSON.parse(line) as { type: string; request?: { generationConfig?: unknown } },
        );
      const requests = lines.filter((line) => line.type === 'model-call-start');
      expect(requests).toHaveLength(2);
      for (const line of requests)
        expect(line.request?.generationConfig).toEqual({ topK: 20, temperature: 0.2, seed: 7 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reaches the final-output call, beside the output’s schema', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['get_weather', { city: 'Oslo' }]),
      textTurn('Sunny in Oslo.'),
      textTurn('{"city":"Oslo","forecast":"sunny"}'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [weather],
      output: z.object({ city: z.string(), forecast: z.string() }),
      maxSteps: 2,
    });
    const result = await agent.run('Oslo?', { generationConfig: { seed: 7 } });
    expect(result.steps.map((step) => step.kind)).toEqual(['tools', 'tools', 'final-output']);
    const [first, second, final] = gemini.calls.map((call) => call.request);
    expect(first?.generationConfig).toEqual({ seed: 7 });
    expect(second?.generationConfig).toEqual({ seed: 7 });
    expect(final?.generationConfig).toMatchObject({
      seed: 7,
      responseMimeType: 'application/json',
    });
    expect(final?.generationConfig?.responseJsonSchema).toBeDefined();
  });

  it.each([
    [{ temperature: 'hot' }, 'options.generationConfig.temperature'],
    [{ maxOutputTokens: 1.5 }, 'options.generationConfig.maxOutputTokens'],
    [{ candidateCount: 2 }, 'options.generationConfig.candidateCount'],
    [[], 'options.generationConfig'],
    [null, 'options.generationConfig'],
  ])('refuses %j with a typed error naming %s, sending nothing', async (given, argument) => {
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
    for (const start of [
      () => agent.run('Hi', { generationConfig: given as never }),
      () => agent.stream('Hi', { generationConfig: given as never }).result,
    ]) {
      const error = await start().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    expect(gemini.calls).toHaveLength(0);
  });

  it('refuses what the agent sets itself: thinkingConfig beside thinking, a schema beside output', async () => {
    const gemini = createScriptedGemini([textTurn('never')]);
    const thinking = createAgent({ gemini, model: 'gemini-3-flash-preview', thinking: 'low' });
    await expect(
      thinking.run('Hi', { generationConfig: { thinkingConfig: { thinkingBudget: 0 } } }),
    ).rejects.toMatchObject({
      argument: 'options.generationConfig.thinkingConfig',
      message: expect.stringContaining('not both'),
    });
    const output = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      output: z.object({ a: z.string() }),
    });
    await expect(
      output.run('Hi', { generationConfig: { responseMimeType: 'text/plain' } }),
    ).rejects.toMatchObject({ argument: 'options.generationConfig.responseMimeType' });
    expect(gemini.calls).toHaveLength(0);
  });
});
