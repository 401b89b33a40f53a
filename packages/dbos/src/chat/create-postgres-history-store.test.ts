import type { Content } from '@gemloop/core';
import { createAgent, createChatSession, createGemini } from '@gemloop/core';
import { ChatStoreError } from '@gemloop/core/errors';
import { interactionsApi } from '@gemloop/core/interactions';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { fixtureCommand, freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresHistoryStore, isChatSessionConflict } from '../index.ts';

const clientScript = new URL('../__fixtures__/chat-client.ts', import.meta.url).pathname;
const packageDirectory = new URL('../..', import.meta.url).pathname;

function runClient(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // A client that waits on its database: gone with this test process however that ends.
    const child = startGuarded(process.execPath, fixtureCommand(clientScript), {
      cwd: packageDirectory,
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // 'close', not 'exit': at 'exit' the last of the output may still be unread.
    child.once('close', (code) => resolve({ code, output }));
  });
}

const textOf = (content: Content | undefined): string =>
  (content?.parts ?? []).map((part) => ('text' in part ? part.text : '')).join('');

describe('createPostgresHistoryStore', () => {
  let databaseUrl: string;
  // A send of 'b-slow' waits in the model call until the test lets it go.
  let gate: { entered: () => void; wait: Promise<void> } | undefined;
  const fake = createFakeGemini({
    latencyMs: 30,
    script: async (_request, context) => {
      if (context.lastUserText === 'b-slow' && gate !== undefined) {
        gate.entered();
        await gate.wait;
      }
      return turn.text(`echo ${context.lastUserText ?? ''}`);
    },
  });

  beforeAll(async () => {
    await fake.listen();
    databaseUrl = await freshDatabase('chat');
  });
  afterAll(() => fake.close());

  it('keeps turns verbatim across stores (a restart) and creates its table once', async () => {
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', baseUrl: fake.url }),
      model: 'gemini-3-flash-preview',
    });
    const first = createPostgresHistoryStore({ connectionString: databaseUrl });
    const chat = createChatSession({ agent, store: first, id: 'verbatim' });
    const answer = await chat.send('hello');
    await first.close();

    const pool = new pg.Pool({ connectionString: databaseUrl });
    try {
      const second = createPostgresHistoryStore({ pool });
      const turns = await second.load('verbatim');
      expect(turns).toHaveLength(1);
      expect(turns[0]?.contents).toEqual(answer.newContents);
      expect(turns[0]?.model).toBe('gemini-3-flash-preview');
      const version = await pool.query('SELECT version FROM gemloop_schema_versions');
      expect(version.rows).toEqual([{ version: 3 }]);
      await second.clear('verbatim');
      expect(await second.load('verbatim')).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it("keeps each turn's cost, and on the Interactions API its interaction id: a restart continues with previous_interaction_id", async () => {
    const first = createPostgresHistoryStore({ connectionString: databaseUrl });
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', baseUrl: fake.url }),
      model: 'gemini-2.5-flash',
      api: interactionsApi(),
    });
    const chat = createChatSession({ agent, store: first, id: 'resumed' });
    const answer = await chat.send('hello');
    await chat.close();
    await first.close();
    // The restart: a new store and a new agent (nothing remembered in memory).
    const second = createPostgresHistoryStore({ connectionString: databaseUrl });
    const [saved] = await second.load('resumed');
    expect(saved?.cost).toEqual(answer.cost);
    expect(saved?.cost?.total).toEqual(expect.stringMatching(/^\d/));
    expect(saved?.interactionId).toEqual(expect.stringMatching(/^[A-Za-z0-9._~-]+$/));
    const reopened = createChatSession({
      agent: createAgent({
        gemini: createGemini({ apiKey: 'k', baseUrl: fake.url }),
        model: 'gemini-2.5-flash',
        api: interactionsApi(),
      }),
      store: second,
      id: 'resumed',
    });
    expect((await reopened.send('again')).text).toBe('echo again');
    await reopened.close();
    const creates = fake.requests.filter((request) => request.method === 'interactions.create');
    expect(creates.at(-1)?.body).toMatchObject({
      previous_interaction_id: saved?.interactionId,
      input: [{ type: 'user_input', content: [{ type: 'text', text: 'again' }] }],
    });
    await second.close();
  });

  it("keeps the conversation's usage and cost with each turn: a session reopened after a restart goes on from them; a row without them still loads", async () => {
    const agent = () =>
      createAgent({
        gemini: createGemini({ apiKey: 'k', baseUrl: fake.url }),
        model: 'gemini-2.5-flash',
      });
    const first = createPostgresHistoryStore({ connectionString: databaseUrl });
    const chat = createChatSession({ agent: agent(), store: first, id: 'spend' });
    await chat.send('one');
    await chat.sendStream('two').result;
    const spent = { usage: chat.usage, cost: chat.cost };
    expect(spent.usage.totalTokenCount).toBeGreaterThan(0);
    await chat.close();
    await first.close();

    // The restart: a new store and a new session (nothing remembered in memory).
    const second = createPostgresHistoryStore({ connectionString: databaseUrl });
    const reopened = createChatSession({ agent: agent(), store: second, id: 'spend' });
    expect((await reopened.turns()).at(-1)?.sessionSpend).toEqual(spent);
    expect(reopened.usage).toEqual(spent.usage);
    expect(reopened.cost).toEqual(spent.cost);
    const third = await reopened.send('three');
    expect(reopened.usage.totalTokenCount).toBe(
      spent.usage.totalTokenCount + third.usage.totalTokenCount,
    );
    await reopened.close();

    // A row as an older version wrote it (no sessionSpend in the turn), and one hand-edited to a
    // wrong total: both load, and a session on them starts from zero.
    const pool = new pg.Pool({ connectionString: databaseUrl });
    try {
      await pool.query(
        `UPDATE gemloop_chat_turns SET turn = turn - 'sessionSpend' WHERE session_id = 'spend' AND turn_index < 2`,
      );
      await pool.query(
        `UPDATE gemloop_chat_turns SET turn = jsonb_set(turn, '{sessionSpend,usage,promptTokenCount}', '-5') WHERE session_id = 'spend' AND turn_index = 2`,
      );
    } finally {
      await pool.end();
    }
    const old = createChatSession({ agent: agent(), store: second, id: 'spend' });
    const turns = await old.turns();
    expect(turns).toHaveLength(3);
    expect(turns.every((saved) => saved.sessionSpend === undefined)).toBe(true);
    expect(old.usage.totalTokenCount).toBe(0);
    await old.close();
    await second.close();
  });

  it('refuses an append that would interleave with another writer, typed, losing nothing', async () => {
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', baseUrl: fake.url }),
      model: 'gemini-3-flash-preview',
    });
    const storeA = createPostgresHistoryStore({ connectionString: databaseUrl });
    const storeB = createPostgresHistoryStore({ connectionString: databaseUrl });
    try {
      const chatA = createChatSession({ agent, store: storeA, id: 'race' });
      const chatB = createChatSession({ agent, store: storeB, id: 'race' });
      await chatA.send('a-0');
      // B's load happens, then A saves a turn before B's save.
      await storeB.load('race');
      await storeA.load('race');
      await storeA.append(
        'race',
        { contents: [{ role: 'user', parts: [{ text: 'a-1' }] }] },
        { logger: undefined as never },
      );
      const error = await storeB
        .append(
          'race',
          { contents: [{ role: 'user', parts: [{ text: 'b-0' }] }] },
          { logger: undefined as never },
        )
        .catch((caught: unknown) => caught);
      expect(isChatSessionConflict(error)).toBe(true);
      expect(error).toMatchObject({ sessionId: 'race', expectedTurn: 1 });
      // Through a session: another process saves while this send waits for the model.
      let release = (): void => {};
      let entered = (): void => {};
      const inModelCall = new Promise<void>((resolve) => {
        entered = resolve;
      });
      gate = {
        entered,
        wait: new Promise<void>((resolve) => {
          release = resolve;
        }),
      };
      const pending = chatB.send('b-slow').catch((caught: unknown) => caught);
      await inModelCall;
      await storeA.load('race');
      await storeA.append(
        'race',
        { contents: [{ role: 'user', parts: [{ text: 'a-2' }] }] },
        { logger: undefined as never },
      );
      release();
      const sendError = await pending;
      gate = undefined;
      expect(ChatStoreError.isInstance(sendError)).toBe(true);
      expect(isChatSessionConflict(sendError)).toBe(true);
      const storeError = sendError as ChatStoreError;
      expect(storeError.operation).toBe('append');
      expect((storeError.result as { text: string }).text).toBe('echo b-slow');
      expect(storeError.unsaved.map(textOf)).toEqual(['b-slow', 'echo b-slow']);
      // Sent again, it is answered with the other process's turn in its history, and saved.
      await chatB.send('b-slow');
      const texts = (await storeB.load('race')).map((stored) => textOf(stored.contents[0]));
      expect(texts).toEqual(['a-0', 'a-1', 'a-2', 'b-slow']);
      expect(fake.lastRequest?.body).toMatchObject({
        contents: expect.arrayContaining([{ role: 'user', parts: [{ text: 'a-2' }] }]),
      });
    } finally {
      await storeA.close();
      await storeB.close();
    }
  });

  it("forgets a closed session's turn count: the next append after it goes at the end", async () => {
    const storeA = createPostgresHistoryStore({ connectionString: databaseUrl });
    const storeB = createPostgresHistoryStore({ connectionString: databaseUrl });
    const turn = (text: string) => ({ contents: [{ role: 'user' as const, parts: [{ text }] }] });
    const context = { logger: undefined as never };
    try {
      await storeB.load('released');
      await storeA.append('released', turn('a-0'), context);
      // What B loaded is stale: without a release its append is refused as a conflict...
      await storeB.load('other');
      await storeB.release?.('released', context);
      // ...released (the session closed), it is a plain append after what is there.
      await storeB.append('released', turn('b-0'), context);
      const texts = (await storeA.load('released')).map((stored) => textOf(stored.contents[0]));
      expect(texts).toEqual(['a-0', 'b-0']);
    } finally {
      await storeA.close();
      await storeB.close();
    }
  });

  it('two processes chatting on one session: every turn saved once, none answered without the turns before it', async () => {
    const env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      SESSION_ID: 'shared',
      MESSAGES: '5',
    };
    fake.reset();
    const [one, two] = await Promise.all([
      runClient({ ...env, CLIENT_NAME: 'one' }),
      runClient({ ...env, CLIENT_NAME: 'two' }),
    ]);
    expect(one.code, one.output).toBe(0);
    expect(two.code, two.output).toBe(0);

    const store = createPostgresHistoryStore({ connectionString: databaseUrl });
    try {
      const turns = await store.load('shared');
      const messages = turns.map((stored) => textOf(stored.contents[0]));
      expect([...messages].sort()).toEqual([
        'one-0',
        'one-1',
        'one-2',
        'one-3',
        'one-4',
        'two-0',
        'two-1',
        'two-2',
        'two-3',
        'two-4',
      ]);
      // Each process's messages in its own order; each turn is a message and its own answer.
      expect(messages.filter((message) => message.startsWith('one'))).toEqual([
        'one-0',
        'one-1',
        'one-2',
        'one-3',
        'one-4',
      ]);
      for (const stored of turns) {
        expect(stored.contents.map((content) => content.role)).toEqual(['user', 'model']);
        expect(textOf(stored.contents[1])).toBe(`echo ${textOf(stored.contents[0])}`);
      }
      // The model call that produced turn i was sent exactly the turns before it: nothing interleaved.
      for (const [index, stored] of turns.entries()) {
        const message = textOf(stored.contents[0]);
        const requests = fake.modelRequests.filter((request) => {
          const contents = (request.body as { contents: Content[] }).contents;
          return textOf(contents[contents.length - 1]) === message;
        });
        const saved = requests[requests.length - 1];
        expect(saved, `no request for ${message}`).toBeDefined();
        const sent = ((saved?.body ?? { contents: [] }) as { contents: Content[] }).contents.map(
          textOf,
        );
        expect(sent).toEqual([
          ...turns.slice(0, index).flatMap((earlier) => earlier.contents.map(textOf)),
          message,
        ]);
      }
    } finally {
      await store.close();
    }
  });
});
