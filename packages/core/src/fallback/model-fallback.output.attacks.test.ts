import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { modelFallback } from './model-fallback.ts';

// attack65a: an agent with tools and an `output` schema on Gemini 3 (the schema sent beside the
// tools, `inline` mode) falling back to Gemini 2.5, which the API does not let take both
// (`final-call` mode: the tool loop without the schema, then a call without tools for the JSON).
// The fallback's requests were built for 2.5 (no schema beside its tools), but the run read its
// prose answer as Gemini 3's: not JSON, re-asked on 2.5 without the schema three times, then
// OutputValidationError. The step is now read in the mode it was asked in.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

type Body = {
  contents: { parts: { text?: string; functionResponse?: unknown }[] }[];
  tools?: unknown;
  generationConfig?: { responseJsonSchema?: unknown };
};

/** Calls the tool once, then answers as the request allows: JSON under a schema, else prose. */
const script: FakeScriptFunction = (request) => {
  const body = request.body as unknown as Body;
  const answered = body.contents.some((content) =>
    content.parts.some((part) => part.functionResponse !== undefined),
  );
  if (body.tools !== undefined && !answered) return turn.call('lookup', { q: 'capital' });
  return turn.text(
    body.generationConfig?.responseJsonSchema === undefined ? 'It is Paris.' : '{"city":"Paris"}',
  );
};

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a fact up.',
  parameters: z.object({ q: z.string() }),
  execute: async () => 'Paris',
});

/** Each request as `model:TJ`: T when it has tools, J when it has a JSON schema. */
function shapes(fake: FakeGemini): string[] {
  return fake.modelRequests.map((request) => {
    const body = request.body as unknown as Body;
    return `${request.model}:${body.tools === undefined ? '-' : 'T'}${body.generationConfig?.responseJsonSchema === undefined ? '-' : 'J'}`;
  });
}

describe('modelFallback with an output schema across output modes', () => {
  for (const streamed of [false, true]) {
    const mode = streamed ? 'streamed' : 'unary';

    it(`(${mode}) Gemini 3 falling back to Gemini 2.5 asks 2.5 for the JSON in a call without tools`, async () => {
      const fake = createFakeGemini({
        script,
        faults: [
          { fault: { type: 'overloaded' }, on: ({ model }) => model === 'gemini-3-flash-preview' },
        ],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [lookup],
        output: z.object({ city: z.string() }),
        plugins: [modelFallback({ models: ['gemini-2.5-flash'] })],
      });
      const result = await (streamed ? agent.stream('Capital?').result : agent.run('Capital?'));
      expect(result.output).toEqual({ city: 'Paris' });
      expect(shapes(fake)).toEqual([
        'gemini-3-flash-preview:TJ',
        'gemini-2.5-flash:T-',
        'gemini-2.5-flash:T-',
        'gemini-2.5-flash:-J',
      ]);
    });

    it(`(${mode}) Gemini 2.5 falling back to Gemini 3 ends on 3's JSON (held)`, async () => {
      const fake = createFakeGemini({
        script,
        faults: [
          { fault: { type: 'overloaded' }, on: ({ model }) => model === 'gemini-2.5-flash' },
        ],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [lookup],
        output: z.object({ city: z.string() }),
        plugins: [modelFallback({ models: ['gemini-3-flash-preview'] })],
      });
      const result = await (streamed ? agent.stream('Capital?').result : agent.run('Capital?'));
      expect(result.output).toEqual({ city: 'Paris' });
      expect(shapes(fake)).toEqual([
        'gemini-2.5-flash:T-',
        'gemini-3-flash-preview:TJ',
        'gemini-3-flash-preview:TJ',
      ]);
    });
  }

  for (const streamed of [false, true]) {
    it(`(${streamed ? 'streamed' : 'unary'}) a Gemini 2.5 run's final call sent to Gemini 3 goes without tools`, async () => {
      // 2.5 ends its tool loop in prose, then fails the call for the JSON; Gemini 3 takes it. A
      // model that calls a tool whenever it is offered one called it there, was re-asked as an
      // unexpected call three times, and the run failed with InvalidModelResponseError.
      const fake = createFakeGemini({
        script: (request) => {
          const body = request.body as unknown as Body;
          const answered = body.contents.some((content) =>
            content.parts.some((part) => part.functionResponse !== undefined),
          );
          if (body.tools !== undefined && (request.model !== 'gemini-2.5-flash' || !answered))
            return turn.call('lookup', { q: 'capital' });
          return script(request, undefined as never);
        },
        faults: [
          {
            fault: { type: 'overloaded' },
            on: ({ model, body }) =>
              model === 'gemini-2.5-flash' && (body as Body).tools === undefined,
          },
        ],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [lookup],
        output: z.object({ city: z.string() }),
        plugins: [modelFallback({ models: ['gemini-3-flash-preview'] })],
      });
      const result = await (streamed ? agent.stream('Capital?').result : agent.run('Capital?'));
      expect(result.output).toEqual({ city: 'Paris' });
      expect(shapes(fake)).toEqual([
        'gemini-2.5-flash:T-',
        'gemini-2.5-flash:T-',
        'gemini-2.5-flash:-J',
        'gemini-3-flash-preview:-J',
      ]);
    });
  }
});
