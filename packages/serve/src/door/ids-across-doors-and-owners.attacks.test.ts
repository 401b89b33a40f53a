import { type Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { HttpAgent } from '@ag-ui/client';
import { type FakeTurn, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { fetchWithToken, userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { holdingTool } from './__fixtures__/holding-tool.ts';
import { lastRequestTexts } from './__fixtures__/last-request-texts.ts';
import { agentOnFake, listenForTest } from './__fixtures__/serve-door.ts';
import { mountDoors } from './mount-doors.ts';

// attack54b (issue 53): attack54 read, and did not run, that a conversation id made at one door
// or by one owner reaches nothing of another's. Here the four doors are mounted together
// (`mountDoors`: one history store for all) and driven by their own clients: one id used at every
// door and by two owners, and a second owner sending to an id the first owner's run holds busy —
// a refusal there (409, a rejected task) would tell him the id exists.

const KEYS = { alice: 'door-alice-0123456789', bob: 'door-bob-9876543210' } as const;
type Owner = keyof typeof KEYS;

/** The four doors on one server, one agent (on the fake Gemini) behind them all. */
async function mountAll(script: FakeTurn[]) {
  const hold = holdingTool();
  const { fake, agent } = agentOnFake(script, { tools: [hold.tool] });
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(KEYS, request),
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent, path: '/agent' },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
  });
  onTestFinished(() => doors.close());
  const origin = await listenForTest(doors.handler);
  const openai = (owner: Owner) =>
    new OpenAI({ apiKey: KEYS[owner], baseURL: `${origin}/v1`, maxRetries: 0 });
  const mcpClients = new Map<Owner, Client>();
  const mcp = async (owner: Owner) => {
    const known = mcpClients.get(owner);
    if (known !== undefined) return known;
    const client = new Client({ name: 'ids-test', version: '1.0.0' });
    onTestFinished(() => client.close());
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${KEYS[owner]}` } },
      }),
    );
    mcpClients.set(owner, client);
    return client;
  };
  const a2a = (owner: Owner) =>
    new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl: fetchWithToken(KEYS[owner]) })],
    }).createFromUrl(`${origin}/a2a/`, '.well-known/agent-card.json');
  /** One message to conversation `id` of `owner` at `door`; the answer's text. */
  const send = async (door: Door, owner: Owner, id: string, text: string): Promise<string> => {
    if (door === 'openai') {
      const response = await openai(owner).responses.create({
        model: 'support',
        input: text,
        conversation: id,
      });
      return response.output_text;
    }
    if (door === 'mcp') {
      const result = await (await mcp(owner)).callTool({
        name: 'ask_support',
        arguments: { message: text, sessionId: id },
      });
      if (result.isError === true) return `refused: ${JSON.stringify(result.content)}`;
      return (result.structuredContent as { answer: string }).answer;
    }
    if (door === 'agUi') {
      const http = new HttpAgent({
        url: `${origin}/agent`,
        headers: { authorization: `Bearer ${KEYS[owner]}` },
        threadId: id,
      });
      http.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
      const run = await http.runAgent({});
      const last = run.newMessages.at(-1);
      return typeof last?.content === 'string' ? last.content : JSON.stringify(run.newMessages);
    }
    const task = (await (
      await a2a(owner)
    ).sendMessage(userMessage(text, { contextId: id }) as never)) as Task;
    if (task.status?.state !== TaskState.TASK_STATE_COMPLETED) {
      return `refused: ${JSON.stringify(task.status)}`;
    }
    return JSON.stringify(task.artifacts).includes('"Answered."') ? 'Answered.' : 'other';
  };
  return { fake, hold, send, openai, origin };
}

type Door = 'openai' | 'mcp' | 'agUi' | 'a2a';
const DOORS: Door[] = ['openai', 'mcp', 'agUi', 'a2a'];

describe('conversation ids across doors and owners (attack54b)', () => {
  it("one id at every door and by both owners: each send's model request holds its own message only", async () => {
    const { fake, send } = await mountAll(Array.from({ length: 9 }, () => turn.text('Answered.')));
    expect(await send('openai', 'alice', 'shared-id', 'Alice secret.')).toBe('Answered.');
    for (const door of DOORS) {
      for (const owner of ['alice', 'bob'] as const) {
        if (door === 'openai' && owner === 'alice') continue;
        const text = `${owner} at ${door}.`;
        expect(await send(door, owner, 'shared-id', text), `${owner} at ${door}`).toBe('Answered.');
        expect(lastRequestTexts(fake.requests, 'user'), `${owner} at ${door}`).toEqual([text]);
      }
    }
    // Her own conversation at the door that made it still has her first turn, nothing of theirs.
    expect(await send('openai', 'alice', 'shared-id', 'Alice again.')).toBe('Answered.');
    expect(lastRequestTexts(fake.requests, 'user')).toEqual(['Alice secret.', 'Alice again.']);
  });

  it.each(DOORS)(
    "%s: bob's send to the id of alice's run in flight is answered as his own, not refused as busy",
    async (door) => {
      const { fake, hold, send } = await mountAll([
        turn.call('hold_on', {}),
        turn.text('Answered.'),
        turn.text('Answered.'),
      ]);
      const started = hold.nextStart();
      const hers = send(door, 'alice', 'busy-id', 'Alice first.');
      await started;
      expect(await send(door, 'bob', 'busy-id', 'Bob here.')).toBe('Answered.');
      expect(lastRequestTexts(fake.requests, 'user')).toEqual(['Bob here.']);
      hold.release();
      expect(await hers).toBe('Answered.');
      expect(lastRequestTexts(fake.requests, 'user')).toEqual(['Alice first.']);
    },
  );

  it("bob's previous_response_id of alice's response is answered as a made-up id is, word for word", async () => {
    const { openai } = await mountAll([turn.text('Answered.')]);
    const hers = await openai('alice').responses.create({ model: 'support', input: 'Hi.' });
    const refusal = (previous: string) =>
      openai('bob')
        .responses.create({ model: 'support', input: 'Mine now.', previous_response_id: previous })
        .then(
          () => undefined,
          (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
        );
    const theirs = await refusal(hers.id);
    const madeUp = await refusal(`resp_${'0'.repeat(hers.id.length - 5)}`);
    expect(theirs?.status).toBe(404);
    expect([theirs?.status, theirs?.code, theirs?.message]).toEqual([
      madeUp?.status,
      madeUp?.code,
      madeUp?.message,
    ]);
    // Bob cannot read it either.
    const read = await openai('bob')
      .responses.retrieve(hers.id)
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect((read as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
  });
});
