import { readFile } from 'node:fs/promises';
import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '../history/thought-signatures/thought-signature-bypass.ts';
import type { Content } from '../wire/content.ts';
import {
  cleanUp,
  pixel,
  recordingLogger,
  sentContents,
  serve,
  signaturesOf,
  temporaryDirectory,
  thrownBy,
  weather,
} from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';

// A chat whose agent changes model (the chat CLI's /model, or a new agent on the same store).
// Thought signatures are bound to the model that issued them, and the fake refuses another
// model's in the active loop ("Invalid thought signature.") as the API does. Image-only messages
// (no text) keep the active loop reaching back into the stored turns, so the fake checks them.

afterEach(cleanUp);

const flash = 'gemini-3-flash-preview';
const pro = 'gemini-3-pro-preview';

// What a store gets from a session, for the tests' own calls.
const context = { logger: recordingLogger() };

const stores: [string, () => Promise<HistoryStore>][] = [
  ['memory', async () => createMemoryHistoryStore()],
  ['file', async () => createFileHistoryStore({ directory: await temporaryDirectory() })],
];

describe('a chat that switches models', () => {
  it.each(stores)(
    'goes from flash to pro and back in the %s store: foreign signatures replaced, own ones kept',
    async (_name, makeStore) => {
      const { fake, gemini } = await serve({
        script: [
          turn.call('get_weather', { city: 'Paris' }),
          turn.text('Paris is sunny.'),
          turn.call('get_weather', { city: 'Oslo' }),
          turn.text('That picture looks like Oslo.'),
          turn.text('Both pictures are lovely.'),
        ],
        seed: 5,
      });
      const store = await makeStore();
      const logger = recordingLogger();
      const onFlash = createAgent({ gemini, model: flash, tools: [weather], logger });
      const onPro = createAgent({ gemini, model: pro, tools: [weather], logger });

      const first = await createChatSession({ agent: onFlash, store, id: 'c' }).send(
        'Weather in Paris?',
      );
      const flashSignatures = signaturesOf(first.newContents);
      expect(flashSignatures.length).toBeGreaterThanOrEqual(2);
      expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);

      // On pro: flash's turn goes without its signatures; its call gets the dummy.
      const second = await createChatSession({ agent: onPro, store, id: 'c' }).send(pixel);
      expect(second.text).toBe('That picture looks like Oslo.');
      const toPro = sentContents(fake, 2);
      expect(fake.modelRequests[2]?.model).toBe(pro);
      expect(toPro[1]?.parts[0]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
      expect(signaturesOf(toPro)).toEqual([SKIP_THOUGHT_SIGNATURE_VALIDATOR]);
      for (const signature of flashSignatures) {
        expect(JSON.stringify(fake.modelRequests[3]?.body)).not.toContain(signature);
      }
      const warnings = logger.lines.filter((line) => line.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.fields).toMatchObject({ model: pro, historyModels: [flash] });

      // Back on flash: its own turn goes back verbatim, pro's turn without pro's signatures.
      // (Streamed, to go through sendStream too.)
      const third = await createChatSession({ agent: onFlash, store, id: 'c' }).sendStream(pixel)
        .result;
      expect(third.text).toBe('Both pictures are lovely.');
      const toFlash = sentContents(fake, 4);
      expect(toFlash.slice(0, first.newContents.length)).toEqual(first.newContents);
      const proTurn = toFlash.slice(first.newContents.length, -1);
      expect(proTurn[1]?.parts[0]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
      expect(signaturesOf(proTurn)).toEqual([SKIP_THOUGHT_SIGNATURE_VALIDATOR]);
      expect(fake.modelRequests.map((request) => request.status)).toEqual([
        200, 200, 200, 200, 200,
      ]);
      expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(2);

      // The store holds every turn as its model sent it, with that model.
      const turns = await createChatSession({ agent: onFlash, store, id: 'c' }).turns();
      expect(turns.map((stored) => stored.model)).toEqual([flash, pro, flash]);
      expect(turns[0]?.contents).toEqual(first.newContents);
      expect(turns[1]?.contents).toEqual(second.newContents);
      expect(signaturesOf(second.newContents).length).toBeGreaterThanOrEqual(2);
      expect(signaturesOf(second.newContents)).not.toContain(SKIP_THOUGHT_SIGNATURE_VALIDATOR);
    },
  );

  it('sends no signature of another model with a text message either (outside the active loop)', async () => {
    const { fake, gemini } = await serve({
      script: [
        turn.call('get_weather', { city: 'Paris' }),
        turn.text('Paris is sunny.'),
        turn.text('You are welcome.'),
      ],
      seed: 9,
    });
    const store = createMemoryHistoryStore();
    const first = await createChatSession({
      agent: createAgent({ gemini, model: flash, tools: [weather] }),
      store,
      id: 'c',
    }).send('Weather in Paris?');
    const stored = structuredClone(await store.load('c', context));
    await createChatSession({
      agent: createAgent({ gemini, model: pro, tools: [weather] }),
      store,
      id: 'c',
    }).send('Thanks!');
    const toPro = sentContents(fake, 2);
    // Nothing needs the dummy there: the new text message starts the active loop.
    expect(signaturesOf(toPro)).toEqual([]);
    expect(toPro.slice(0, -1).map((content) => content.parts.length)).toEqual(
      first.newContents.map((content) => content.parts.length),
    );
    // The stored contents were copied, never changed.
    expect((await store.load('c', context)).slice(0, 1)).toEqual(stored);
    expect(signaturesOf(first.newContents).length).toBeGreaterThanOrEqual(2);
  });

  it("treats turns stored without a model as the agent's by default, and as another model's when told", async () => {
    const script = [
      turn.call('get_weather', { city: 'Paris' }),
      turn.text('Paris is sunny.'),
      turn.text('A lovely picture.'),
    ];
    const { fake, gemini } = await serve({ script, seed: 4 });
    const store = createMemoryHistoryStore();
    await createChatSession({
      agent: createAgent({ gemini, model: flash, tools: [weather] }),
      store,
      id: 'c',
    }).send('Weather in Paris?');
    // A store written before turns recorded their model (or one that drops the field).
    const [saved] = await store.load('c', context);
    const { model: _dropped, ...withoutModel } = saved as ChatTurn;
    const legacy = createMemoryHistoryStore();
    await legacy.append('c', withoutModel, context);
    const logger = recordingLogger();
    const onPro = createAgent({ gemini, model: pro, tools: [weather], logger });

    // Default 'same-model': the signatures go as they are, and pro refuses flash's.
    const refused = await createChatSession({ agent: onPro, store: legacy, id: 'c' })
      .send(pixel)
      .catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(refused)).toBe(true);
    expect(String((refused as ModelCallError).cause)).toContain('Invalid thought signature');
    expect(await legacy.load('c', context)).toHaveLength(1);

    // 'other-model': they go without, the call with the dummy, and the agent's warning says so.
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
    const accepted = await createChatSession({
      agent: onPro,
      store: legacy,
      id: 'c',
      turnsWithoutModel: 'other-model',
    }).send(pixel);
    expect(accepted.text).toBe('A lovely picture.');
    expect(signaturesOf(sentContents(fake, 3))).toEqual([SKIP_THOUGHT_SIGNATURE_VALIDATOR]);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ model: pro, historyModels: ['unknown'] });
    expect((await legacy.load('c', context))[1]?.model).toBe(pro);
  });

  it('reads file-store lines written without a model as turns of an unknown model', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    const contents: Content[] = [
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello', thoughtSignature: 'c2ln' }] },
    ];
    await store.append('c', { contents, createdAt: 1 }, context);
    await store.append('c', { contents, createdAt: 2, model: pro }, context);
    await store.close();
    const turns = await createFileHistoryStore({ directory }).load('c', context);
    expect(turns.map((stored) => stored.model)).toEqual([undefined, pro]);
    const lines = (await readFile(store.filePath('c'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { model?: string }).model)).toEqual([
      undefined,
      pro,
    ]);
  });

  it('checks turnsWithoutModel when the session is made', async () => {
    const { gemini } = await serve();
    const agent = createAgent({ gemini, model: flash });
    const error = thrownBy(() => createChatSession({ agent, turnsWithoutModel: 'other' as never }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('turnsWithoutModel');
    expect(createChatSession({ agent, turnsWithoutModel: 'other-model' }).id).toBeTypeOf('string');
  });
});
