import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../history/thought-signature-bypass.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Logger } from '../logging/logger.ts';
import { createFakeGemini, type FakeGemini, turn } from '../testing/index.ts';
import { defineTool } from '../tools/define-tool.ts';
import type { Content, Part } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createAgent } from './create-agent.ts';
import { ModelCallError } from './errors/model-call-error.ts';
import { stepCountIs } from './stop-conditions.ts';

// Thought signatures are bound to the model that issued them; the fake refuses another model's
// ("Invalid thought signature.") in the active loop, as the API does. `historyModel` lets a run
// continue a history another model produced.

const flash = 'gemini-3-flash-preview';
const pro = 'gemini-3-pro-preview';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, seed: 11 });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const weather = defineTool({
  name: 'get_weather',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, forecast: 'sunny' }),
});

/** A one-pixel PNG: a user message without text, so the active loop reaches back in history. */
const pixel: Part[] = [
  {
    inlineData: {
      mimeType: 'image/png',
      data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    },
  },
];

function recordingLogger(): Logger & {
  warnings: { fields: Record<string, unknown>; message: string }[];
} {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const logger: Logger = {
    child: () => logger,
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (fields: Record<string, unknown>, message = '') => {
      warnings.push({ fields, message });
    },
    error: () => {},
  };
  return Object.assign(logger, { warnings });
}

function sent(fake: FakeGemini, index: number): Content[] {
  const request = fake.modelRequests[index];
  if (request === undefined) throw new Error(`the fake received no model request ${index}`);
  return (request.body as GenerateContentBody).contents;
}

function signaturesOf(contents: readonly Content[]): string[] {
  return contents.flatMap((content) =>
    content.parts.flatMap((part) =>
      part.thoughtSignature === undefined ? [] : [part.thoughtSignature],
    ),
  );
}

/** A flash conversation stopped right after its tool call was answered (mid-loop). */
async function flashHistory(gemini: ReturnType<typeof createGemini>): Promise<Content[]> {
  const agent = createAgent({ gemini, model: flash, tools: [weather], stopWhen: stepCountIs(1) });
  const result = await agent.run('Weather in Paris?');
  expect(result.finishReason).toBe('stop-condition');
  expect(result.contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
  return result.contents;
}

describe('continuing a history on another model (historyModel)', () => {
  it("removes another model's signatures and signs its calls with the documented dummy", async () => {
    const { fake, gemini } = await serve([
      turn.call('get_weather', { city: 'Paris' }),
      turn.text('Paris is sunny.'),
    ]);
    const history = await flashHistory(gemini);
    const before = structuredClone(history);
    const flashSignatures = signaturesOf(history);
    expect(flashSignatures).toHaveLength(1);
    const logger = recordingLogger();

    const agent = createAgent({ gemini, model: pro, tools: [weather], logger });
    const result = await agent.run(history, { historyModel: flash });

    expect(result.text).toBe('Paris is sunny.');
    expect(fake.modelRequests[1]?.model).toBe(pro);
    expect(fake.modelRequests[1]?.status).toBe(200);
    const request = sent(fake, 1);
    expect(request[1]?.parts[0]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
    expect(signaturesOf(request)).toEqual([SKIP_THOUGHT_SIGNATURE_VALIDATOR]);
    // The rest of the turn is sent as it was; the caller's history is untouched.
    expect({ ...request[1]?.parts[0], thoughtSignature: undefined }).toEqual({
      ...history[1]?.parts[0],
      thoughtSignature: undefined,
    });
    expect(history).toEqual(before);
    expect(result.contents[1]?.parts[0]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
    // One warning, naming both models and the part that got the dummy.
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.fields).toMatchObject({
      model: pro,
      historyModels: [flash],
      strippedTurns: 1,
      dummySignatureParts: ['contents[1].parts[0]'],
    });
    expect(logger.warnings[0]?.message).toContain(`produced by ${flash}`);
  });

  it("is refused by the fake without it: another model's signature is a 400", async () => {
    const { gemini } = await serve([turn.call('get_weather', { city: 'Paris' }), turn.text('x')]);
    const history = await flashHistory(gemini);
    const agent = createAgent({ gemini, model: pro, tools: [weather] });
    const error = await agent.run(history).catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(error)).toBe(true);
    const cause = (error as ModelCallError).cause;
    expect(ApiCallError.isInstance(cause) && cause.status).toBe(400);
    expect((cause as ApiCallError).message).toContain('Invalid thought signature');
    // Naming the agent's own model changes nothing: its signatures are not another model's.
    const same = await createAgent({ gemini, model: pro, tools: [weather] })
      .run(history, { historyModel: `models/${pro}` })
      .catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(same)).toBe(true);
  });

  it('keeps the signatures a model issued itself when the history goes back to it', async () => {
    const { fake, gemini } = await serve([
      turn.call('get_weather', { city: 'Paris' }),
      turn.call('get_weather', { city: 'Oslo' }),
      turn.text('Oslo is sunny too.'),
      turn.text('Both are sunny.'),
    ]);
    const flashTurns = await flashHistory(gemini);
    const onPro = await createAgent({ gemini, model: pro, tools: [weather] }).run(flashTurns, {
      historyModel: flash,
    });
    const proContents = onPro.contents.slice(flashTurns.length);
    expect(proContents.map((content) => content.role)).toEqual(['model', 'user', 'model']);

    // Back on flash, with an image-only message: the active loop spans both models' turns.
    const history = [...flashTurns, ...proContents];
    const historyModel = [...flashTurns.map(() => undefined), ...proContents.map(() => pro)];
    const logger = recordingLogger();
    const back = await createAgent({ gemini, model: flash, tools: [weather], logger }).run(pixel, {
      history,
      historyModel,
    });

    expect(back.text).toBe('Both are sunny.');
    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
    const request = sent(fake, 3);
    // flash's own turns go back verbatim, its signature included.
    expect(request.slice(0, flashTurns.length)).toEqual(flashTurns);
    expect(request[1]?.parts[0]?.thoughtSignature).toBe(signaturesOf(flashTurns)[0]);
    // pro's call turn lost pro's signature and got the dummy; pro's answer lost its signature.
    const proCall = request[flashTurns.length];
    expect(proCall?.parts[0]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
    expect(signaturesOf(request.slice(flashTurns.length))).toEqual([
      SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    ]);
    expect(signaturesOf(proContents).length).toBeGreaterThanOrEqual(2);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.fields).toMatchObject({ historyModels: [pro], strippedTurns: 2 });
  });

  it('works the same when streamed', async () => {
    const { fake, gemini } = await serve([
      turn.call('get_weather', { city: 'Paris' }),
      turn.text('Paris is sunny.'),
    ]);
    const history = await flashHistory(gemini);
    const stream = createAgent({ gemini, model: pro, tools: [weather] }).stream(history, {
      historyModel: flash,
    });
    const result = await stream.result;
    expect(result.text).toBe('Paris is sunny.');
    expect(fake.modelRequests[1]?.stream).toBe(true);
    expect(signaturesOf(sent(fake, 1))).toEqual([SKIP_THOUGHT_SIGNATURE_VALIDATOR]);
  });

  it('checks historyModel before any request', async () => {
    const { fake, gemini } = await serve([]);
    const agent = createAgent({ gemini, model: pro });
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello' }] },
    ];
    const cases: [unknown, string][] = [
      ['', 'historyModel'],
      [42, 'historyModel'],
      [[flash], 'historyModel'],
      [[flash, 7], 'historyModel[1]'],
    ];
    for (const [historyModel, argument] of cases) {
      const error = await agent
        .run('Next', { history, historyModel: historyModel as string })
        .catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    expect(fake.modelRequests).toHaveLength(0);
  });
});
