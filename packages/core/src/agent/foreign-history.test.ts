import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanUp,
  pixel,
  recordingLogger,
  sentContents,
  serve,
  signaturesOf,
  weather,
} from '../chat/__fixtures__/chat-fixtures.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../history/thought-signatures/thought-signature-bypass.ts';
import type { Gemini } from '../http/gemini.ts';
import type { Content } from '../wire/content.ts';
import { createAgent } from './create-agent.ts';
import { ModelCallError } from './errors/model-call-error.ts';
import { hasToolCall } from './stop-conditions.ts';

// Thought signatures are bound to the model that issued them; the fake refuses another model's
// ("Invalid thought signature.") in the active loop, as the API does. A history given as turns
// ({ contents, model }) says which model wrote each, so a run continues a history another model
// produced. (The fake, tool and helpers are the chat tests'.)

afterEach(cleanUp);

const flash = 'gemini-3-flash-preview';
const pro = 'gemini-3-pro-preview';

/** A short history that ends with a model answer (any next message continues it). */
const greeting: Content[] = [
  { role: 'user', parts: [{ text: 'Hi' }] },
  { role: 'model', parts: [{ text: 'Hello' }] },
];

function warningsOf(logger: ReturnType<typeof recordingLogger>) {
  return logger.lines.filter((line) => line.level === 'warn');
}

/** A flash conversation stopped right after its tool call was answered (mid-loop). */
async function flashHistory(gemini: Gemini): Promise<Content[]> {
  const agent = createAgent({ gemini, model: flash, tools: [weather], stopWhen: hasToolCall() });
  const result = await agent.run('Weather in Paris?');
  expect(result.finishReason).toBe('stop-condition');
  expect(result.contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
  return result.contents;
}

/**
 * A flash tool loop stopped mid-loop, continued on pro (one more call, then an answer): the
 * history goes back to flash next, whose script answers 'Both are sunny.'.
 */
async function flashThenPro() {
  const { fake, gemini } = await serve({
    script: [
      turn.call('get_weather', { city: 'Paris' }),
      turn.call('get_weather', { city: 'Oslo' }),
      turn.text('Oslo is sunny too.'),
      turn.text('Both are sunny.'),
    ],
    seed: 11,
  });
  const flashTurns = await flashHistory(gemini);
  const onPro = await createAgent({ gemini, model: pro, tools: [weather] }).run([
    { contents: flashTurns, model: flash },
  ]);
  return { fake, gemini, flashTurns, proContents: onPro.contents.slice(flashTurns.length) };
}

describe('continuing a history on another model (turns that record their model)', () => {
  it('strips the foreign signatures of a mixed-model history per turn, from the model each turn records', async () => {
    const { fake, gemini, flashTurns, proContents } = await flashThenPro();
    const before = structuredClone(proContents);

    // Back on flash: each stored turn says which model wrote it; no list per content.
    const logger = recordingLogger();
    const back = await createAgent({ gemini, model: flash, tools: [weather], logger }).run(pixel, {
      history: [
        { contents: flashTurns, model: flash },
        { contents: proContents, model: pro },
      ],
    });

    expect(back.text).toBe('Both are sunny.');
    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
    const request = sentContents(fake, 3);
    // flash's turn goes back verbatim (its signature kept): the wire content is what flash sent.
    expect(request.slice(0, flashTurns.length)).toEqual(flashTurns);
    // pro's turn lost pro's signatures; its call got the documented dummy.
    expect(signaturesOf(request.slice(flashTurns.length))).toEqual([
      SKIP_THOUGHT_SIGNATURE_VALIDATOR,
    ]);
    // Nothing but the contents reached the wire: no model field on any content sent.
    expect(request.every((content) => !('model' in content))).toBe(true);
    expect(proContents).toEqual(before);
    expect(warningsOf(logger)[0]?.fields).toMatchObject({ historyModels: [pro], strippedTurns: 2 });
  });

  it("removes another model's signatures and signs its calls with the documented dummy", async () => {
    const { fake, gemini } = await serve({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('Paris is sunny.')],
      seed: 11,
    });
    const history = await flashHistory(gemini);
    const before = structuredClone(history);
    const flashSignatures = signaturesOf(history);
    expect(flashSignatures).toHaveLength(1);
    const logger = recordingLogger();

    const agent = createAgent({ gemini, model: pro, tools: [weather], logger });
    const result = await agent.run([{ contents: history, model: flash }]);

    expect(result.text).toBe('Paris is sunny.');
    expect(fake.modelRequests[1]?.model).toBe(pro);
    expect(fake.modelRequests[1]?.status).toBe(200);
    const request = sentContents(fake, 1);
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
    expect(warningsOf(logger)).toHaveLength(1);
    expect(warningsOf(logger)[0]?.fields).toMatchObject({
      model: pro,
      historyModels: [flash],
      strippedTurns: 1,
      dummySignatureParts: ['contents[1].parts[0]'],
    });
    expect(warningsOf(logger)[0]?.message).toContain(`produced by ${flash}`);
  });

  it("is refused by the fake without it: another model's signature is a 400", async () => {
    const { gemini } = await serve({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('x')],
      seed: 11,
    });
    const history = await flashHistory(gemini);
    const agent = createAgent({ gemini, model: pro, tools: [weather] });
    const error = await agent.run(history).catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(error)).toBe(true);
    const cause = (error as ModelCallError).cause;
    expect(ApiCallError.isInstance(cause) && cause.status).toBe(400);
    expect((cause as ApiCallError).message).toContain('Invalid thought signature');
    // Naming the agent's own model changes nothing: its signatures are not another model's.
    const same = await createAgent({ gemini, model: pro, tools: [weather] })
      .run([{ contents: history, model: `models/${pro}` }])
      .catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(same)).toBe(true);
  });

  it('keeps the signatures a model issued itself when the history goes back to it', async () => {
    const { fake, gemini, flashTurns, proContents } = await flashThenPro();
    expect(proContents.map((content) => content.role)).toEqual(['model', 'user', 'model']);

    // Back on flash, with an image-only message: the active loop spans both models' turns.
    // flash's turns record no model: this agent's own.
    const history = [{ contents: flashTurns }, { contents: proContents, model: pro }];
    const logger = recordingLogger();
    const back = await createAgent({ gemini, model: flash, tools: [weather], logger }).run(pixel, {
      history,
    });

    expect(back.text).toBe('Both are sunny.');
    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
    const request = sentContents(fake, 3);
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
    expect(warningsOf(logger)).toHaveLength(1);
    expect(warningsOf(logger)[0]?.fields).toMatchObject({ historyModels: [pro], strippedTurns: 2 });
  });

  it('works the same when streamed', async () => {
    const { fake, gemini } = await serve({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('Paris is sunny.')],
      seed: 11,
    });
    const history = await flashHistory(gemini);
    const stream = createAgent({ gemini, model: pro, tools: [weather] }).stream([
      { contents: history, model: flash },
    ]);
    const result = await stream.result;
    expect(result.text).toBe('Paris is sunny.');
    expect(fake.modelRequests[1]?.stream).toBe(true);
    expect(signaturesOf(sentContents(fake, 1))).toEqual([SKIP_THOUGHT_SIGNATURE_VALIDATOR]);
  });

  it('checks each turn before any request', async () => {
    const { fake, gemini } = await serve({ script: [] });
    const agent = createAgent({ gemini, model: pro });
    const history = greeting;
    const cases: [unknown, string][] = [
      [[{ contents: history, model: '' }], 'history[0].model'],
      [[{ contents: history, model: 42 }], 'history[0].model'],
      [[{ contents: history.slice(0, 1) }, history[1]], 'history[1]'],
      [
        [{ contents: history.slice(0, 1) }, { contents: history.slice(1), model: [flash] }],
        'history[1].model',
      ],
    ];
    for (const [turns, argument] of cases) {
      const error = await agent
        .run('Next', { history: turns as Content[] })
        .catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('refuses the removed historyModel option, naming what replaces it', async () => {
    const { fake, gemini } = await serve({ script: [] });
    const agent = createAgent({ gemini, model: pro });
    const history = greeting;
    const error = await agent
      .run('Next', { history, historyModel: flash } as never)
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('options.historyModel');
    expect((error as Error).message).toContain('{ history: [{ contents, model:');
    await expect(
      agent.stream('Next', { history, historyModel: flash } as never).result,
    ).rejects.toSatisfy(InvalidArgumentError.isInstance);
    expect(fake.modelRequests).toHaveLength(0);
  });
});
