import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryTurn } from '../../history/history-turn.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { interactionsApi } from '../../interactions/interactions-api.ts';
import type { Content } from '../../wire/content.ts';
import { createAgent } from '../create-agent.ts';

// `history: turns` whose last turn names its interaction: the run resumes from it and sends only
// what is new. The caller's turns used to be read a second time to find that interaction
// (`resumeInteraction`), after `normalizeInput` had read them: a list or a turn that answers
// differently on a second read (a Proxy over a database cursor, a getter) then failed the run
// with its own error, or resumed from another prefix than the one sent. Read once now.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const MODEL = 'gemini-3-flash-preview';

async function firstTurn(): Promise<{
  fake: FakeGemini;
  agent: ReturnType<typeof createAgent>;
  saved: { contents: Content[]; interactionId: string };
}> {
  const fake = createFakeGemini({
    script: (_request, { lastUserText }) => turn.text(`echo ${lastUserText}`),
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  const agent = createAgent({ gemini, model: MODEL, api: interactionsApi() });
  const first = await agent.run('first');
  const interactionId = first.steps.at(-1)?.interactionId;
  expect(interactionId).toEqual(expect.any(String));
  // Another process continues (a new agent: nothing of the first run remembered in memory), so
  // only the turns' interaction id can make it send `previous_interaction_id`.
  return {
    fake,
    agent: createAgent({ gemini, model: MODEL, api: interactionsApi() }),
    saved: { contents: first.contents, interactionId: interactionId as string },
  };
}

function createBodies(fake: FakeGemini): Record<string, unknown>[] {
  return fake.requests
    .filter((request) => request.method === 'interactions.create')
    .map((request) => request.body as Record<string, unknown>);
}

describe('history turns naming an interaction are read once', () => {
  it('a turns list that throws when read a second time: the run resumes, the throw never reached', async () => {
    const { fake, agent, saved } = await firstTurn();
    const turns: HistoryTurn[] = [{ contents: saved.contents, interactionId: saved.interactionId }];
    let passes = 0;
    const history = new Proxy(turns, {
      get(target, key, receiver) {
        // The first full read is the run's copy; any read after it is a second pass.
        if (key === '0' && ++passes > 1) {
          throw new Error('cursor closed: postgres://app:s3cret@db.internal/chat');
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const result = await agent.run('second', { history });
    expect(result.text).toBe('echo second');
    expect(passes).toBe(1);
    expect(createBodies(fake)[1]).toMatchObject({
      previous_interaction_id: saved.interactionId,
      input: [{ type: 'user_input', content: [{ type: 'text', text: 'second' }] }],
    });
  });

  it("a turn's contents and interaction id are read once each, and the prefix resumed is the one sent", async () => {
    const { fake, agent, saved } = await firstTurn();
    const reads = { contents: 0, interactionId: 0 };
    const last = {
      get contents(): Content[] {
        reads.contents++;
        // A second read answers a longer list: resumed from it, the run's key would not be
        // the history it sent.
        return reads.contents === 1
          ? saved.contents
          : [...saved.contents, { role: 'user', parts: [{ text: 'late' }] }];
      },
      get interactionId(): string {
        reads.interactionId++;
        return saved.interactionId;
      },
    };
    const result = await agent.run('second', { history: [last] });
    expect(result.text).toBe('echo second');
    expect(reads).toEqual({ contents: 1, interactionId: 1 });
    expect(createBodies(fake)[1]).toMatchObject({
      previous_interaction_id: saved.interactionId,
      input: [{ type: 'user_input', content: [{ type: 'text', text: 'second' }] }],
    });
  });

  it('an empty or non-string interaction id on the last turn resumes nothing: the whole history goes', async () => {
    for (const interactionId of ['', 42]) {
      const { fake, agent, saved } = await firstTurn();
      const history = [{ contents: saved.contents, interactionId } as unknown as HistoryTurn];
      await agent.run('second', { history });
      const body = createBodies(fake)[1];
      expect(body?.['previous_interaction_id']).toBeUndefined();
      expect(((body?.['input'] ?? []) as Array<{ type: string }>).map((step) => step.type)).toEqual(
        ['user_input', 'thought', 'model_output', 'user_input'],
      );
    }
  });
});
