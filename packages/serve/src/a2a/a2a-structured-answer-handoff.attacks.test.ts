import { type Task, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { createMemoryHistoryStore, type HistoryStore } from '@gemloop/core/chat';
import { handoff } from '@gemloop/core/composition';
import { guardrails } from '@gemloop/core/guardrails';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { countingLoads } from '../door/__fixtures__/counting-loads.ts';
import { serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';

// doors53: a plain agent handing off to one with `output`, behind the A2A door. The door streams
// the answer into the task's `answer` artifact and replaces it whole at the end, so the task a
// client reads last was right; but every update on the way was the answer as a streaming client
// shows it, and those were `Let me hand you over.` joined with the receiver's JSON, and the JSON
// the schema refused (`{"city": 42}`, parseable) before it was taken back. Now a hand-off empties
// the artifact (the answer comes from the receiver), and an agent with `output` answering (the
// receiver, or the one an earlier task's hand-off left holding the context) sends its validated
// JSON only, as the OpenAI door does (leftovers66).

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';
const MODEL = 'gemini-3-flash-preview';

/** The transfer call with text beside it, in one model turn: the plain agent speaks first. */
const transferWithText = (): FakeTurn =>
  turn.calls([{ name: 'transfer_to_cities' }], { text: 'Let me hand you over.' });

/** A plain answer in two chunks: streamed live, it arrives as two updates. */
const twoChunks = (first: string, second: string): FakeTurn =>
  turn.raw([
    { candidates: [{ content: { role: 'model', parts: [{ text: first }] }, index: 0 }] },
    {
      candidates: [
        { content: { role: 'model', parts: [{ text: second }] }, finishReason: 'STOP', index: 0 },
      ],
    },
  ]);

/**
 * `triage` (plain, its turns `triageScript`) handing to `cities` (its turns `citiesScript` on a
 * fake of its own; `output` unless `plain`), served by the A2A door.
 */
async function serveTriage(
  triageScript: FakeTurn[],
  citiesScript: FakeTurn[],
  receiver: { plain?: boolean; blockParis?: boolean; store?: HistoryStore } = {},
) {
  const citiesFake = createFakeGemini({ script: citiesScript });
  const cities = createAgent({
    gemini: createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: citiesFake.fetch }),
    model: MODEL,
    name: 'cities',
    ...(receiver.plain === true ? {} : { output: City }),
    ...(receiver.blockParis === true
      ? {
          guardrails: guardrails({
            output: [
              {
                name: 'no-paris',
                check: ({ text }) =>
                  text.includes('Paris') ? { type: 'block', reason: 'Paris' } : { type: 'pass' },
              },
            ],
          }),
        }
      : {}),
  }) as Agent;
  const served = await serveA2A(triageScript, {
    agent: { name: 'triage', model: MODEL, tools: [handoff(cities)] },
    ...(receiver.store === undefined ? {} : { handler: { store: receiver.store } }),
  });
  return { ...served, citiesFake };
}

/** Streams one message; every state of the `answer` artifact a client held, and the task's end. */
async function streamAnswer(client: Client, text: string, contextId?: string) {
  const states: string[] = [];
  let artifact = '';
  let taskId = '';
  let contextOf = '';
  let state: TaskState | undefined;
  const message = userMessage(text, contextId === undefined ? {} : { contextId });
  for await (const event of client.sendMessageStream(message as never)) {
    const payload = event.payload;
    if (payload?.$case === 'task') {
      taskId = payload.value.id;
      contextOf = payload.value.contextId;
    } else if (payload?.$case === 'statusUpdate') {
      state = payload.value.status?.state;
    } else if (payload?.$case === 'artifactUpdate') {
      const content = payload.value.artifact?.parts[0]?.content;
      const chunk = content?.$case === 'text' ? content.value : '';
      artifact = payload.value.append ? artifact + chunk : chunk;
      states.push(artifact);
    }
  }
  return { states, artifact, taskId, contextId: contextOf, state };
}

describe('the A2A door, a plain agent handing off to one with output (doors53)', () => {
  it('a streaming client never holds an artifact other than the validated JSON', async () => {
    const { client, citiesFake, errors } = await serveTriage(
      [transferWithText()],
      [turn.text('{"city": 42}'), turn.text(ANSWER)],
    );
    const alice = await client();
    const { states, artifact, state } = await streamAnswer(alice, 'Capital of France?');
    expect(state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifact).toBe(ANSWER);
    // Emptied at the hand-off, then the answer whole: nothing of the refused JSON, nothing joined
    // (and no second emptying for the re-ask's retraction of text never sent).
    expect(states).toEqual(['Let me hand you over.', '', ANSWER]);
    // The re-ask happened (the refused answer, then the JSON).
    expect(citiesFake.requests).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('a unary client and a later GetTask read the JSON, one part', async () => {
    const { client } = await serveTriage(
      [transferWithText()],
      [turn.text('{"city": 42}'), turn.text(ANSWER)],
    );
    const alice = await client();
    const task = (await alice.sendMessage(userMessage('Capital of France?') as never)) as Task;
    const read = (await alice.getTask({ id: task.id } as never)) as Task;
    for (const each of [task, read]) {
      expect(each.artifacts).toHaveLength(1);
      const parts = each.artifacts?.[0]?.parts ?? [];
      expect(parts.map((part) => part.content)).toEqual([{ $case: 'text', value: ANSWER }]);
    }
  });

  it('the next task of a context the hand-off gave away streams the JSON only', async () => {
    const { client, errors } = await serveTriage(
      [turn.call('transfer_to_cities', {})],
      [turn.text(ANSWER), turn.text('{"city": 42}'), turn.text(ANSWER)],
    );
    const alice = await client();
    const first = await streamAnswer(alice, 'Capital of France?');
    expect(first.artifact).toBe(ANSWER);
    // No hand-off in this task's run: `cities` holds the context from its first event.
    const next = await streamAnswer(alice, 'And again?', first.contextId);
    expect(next.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(next.states).toEqual([ANSWER]);
    expect(errors).toEqual([]);
  });

  it('reads the context’s history once per task, the send’s own read, and still finds the holder', async () => {
    const { store, loads } = countingLoads(createMemoryHistoryStore());
    const { client, errors } = await serveTriage(
      [turn.call('transfer_to_cities', {})],
      [turn.text(ANSWER), turn.text('{"city": 42}'), turn.text(ANSWER)],
      { store },
    );
    const alice = await client();
    const first = await streamAnswer(alice, 'Capital of France?');
    expect(first.artifact).toBe(ANSWER);
    expect(loads).toHaveLength(1);
    const next = await streamAnswer(alice, 'And again?', first.contextId);
    // `cities` holds the context, found in the send's own load: only its validated JSON is sent.
    expect(next.states).toEqual([ANSWER]);
    // Read once per task: `conversationHolder` read the whole history again before each send.
    expect(loads).toHaveLength(2);
    expect(new Set(loads).size).toBe(1);
    expect(errors).toEqual([]);
  });

  it('a plain receiver streams live, its answer not joined to the text before the hand-off', async () => {
    const { client } = await serveTriage([transferWithText()], [twoChunks('It is ', 'Paris.')], {
      plain: true,
    });
    const alice = await client();
    const { states, artifact } = await streamAnswer(alice, 'Capital of France?');
    expect(artifact).toBe('It is Paris.');
    expect(states).toEqual(['Let me hand you over.', '', 'It is ', 'It is Paris.', 'It is Paris.']);
  });

  it('a receiver whose answer an output guardrail blocks: the task fails holding no text', async () => {
    const { client } = await serveTriage([transferWithText()], [turn.text(ANSWER)], {
      blockParis: true,
    });
    const alice = await client();
    const { states, artifact, state, taskId } = await streamAnswer(alice, 'Capital of France?');
    expect(state).toBe(TaskState.TASK_STATE_FAILED);
    expect(artifact).toBe('');
    expect(states.some((each) => each.includes('Paris'))).toBe(false);
    const task = (await alice.getTask({ id: taskId } as never)) as Task;
    expect(JSON.stringify(task.artifacts ?? [])).not.toContain('Paris');
  });
});
