import { describe, expect, it } from 'vitest';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';

/** A background tool that never ends in the first process (it "crashed") and answers in the next. */
function reportTool(answer: () => Promise<unknown>) {
  return defineTool({
    name: 'long_report',
    description: 'Writes a report; takes minutes.',
    behavior: 'NON_BLOCKING',
    execute: () => answer(),
  });
}

/** Polls `check` until it holds (a hang guard bounds it: the test's own time limit). */
async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('a live session continued by another process (pendingCalls, onHandle)', () => {
  it("answers an earlier process's background call once, and reports which handle holds it", async () => {
    // In the first process the tool never ends (it dies with its process); in the second it answers.
    let answer: () => Promise<unknown> = () => new Promise(() => {});
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'long_report', id: 'r1' }] }, { text: 'Working on it.' }],
          [{ text: 'Your report is ready.' }],
        ],
      },
      { tools: [reportTool(() => answer())] },
    );
    const firstHandles: { handle: string; heldCallIds: readonly string[] }[] = [];
    const first = await createLiveSession(agent, {
      onHandle: (update) => firstHandles.push(update),
    });
    first.sendText('write the report');
    const iterator = first[Symbol.asyncIterator]();
    await readUntil(iterator, (event) => event.type === 'turn-end');
    await waitUntil(() => firstHandles.length >= 2);
    const handle = first.handle as string;
    // The handle after the turn holds the call as pending, no response yet.
    expect(firstHandles.at(-1)).toEqual({ handle, heldCallIds: [] });
    await first.close();
    answer = async () => ({ pages: 3 });

    const seen: LiveEvent[] = [];
    const secondHandles: { handle: string; heldCallIds: readonly string[] }[] = [];
    const second = await createLiveSession(agent, {
      resumeHandle: handle,
      pendingCalls: [{ id: 'r1', name: 'long_report', args: {} }],
      onEvent: (event) => seen.push(event),
      onHandle: (update) => secondHandles.push(update),
    });
    const events = await readUntil(
      second[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events.slice(0, 2)).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'r1',
        toolName: 'long_report',
        args: {},
        behavior: 'NON_BLOCKING',
      },
      {
        type: 'tool-result',
        toolCallId: 'r1',
        toolName: 'long_report',
        output: { pages: 3 },
        scheduling: 'WHEN_IDLE',
      },
    ]);
    await waitUntil(() => secondHandles.some((update) => update.heldCallIds.length > 0));
    expect(secondHandles.at(-1)?.heldCallIds).toEqual(['r1']);
    // onEvent saw what the reader saw, in order.
    expect(seen.slice(0, events.length)).toEqual(events);
    // The resumed server got one response for r1, on the resumed connection, and no rule broke.
    expect(messagesOf(fake, 1, 'toolResponse')).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { id: 'r1', name: 'long_report', response: { pages: 3 }, scheduling: 'WHEN_IDLE' },
          ],
        },
      },
    ]);
    expect(fake.connections[1]?.resumedHandle).toBe(handle);
    expect(fake.errors).toEqual([]);
    await second.close();
  });

  it("answers an earlier process's id-less call without an id, and keys a new one past it", async () => {
    // Vertex's calls come without an id: the first process keyed this one `live-call-0`. The
    // second counts from 0 again unless told: the held key went on the wire as the answer's id
    // (refused: the server sent none) and a new id-less call got the held call's key.
    let answer: () => Promise<unknown> = () => new Promise(() => {});
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            { toolCalls: [{ name: 'long_report', id: null, args: {} }] },
            { text: 'Working on it.' },
          ],
          [{ toolCalls: [{ name: 'long_report', id: null, args: {} }] }, { text: 'Another one.' }],
          [{ text: 'Both reports are ready.' }],
        ],
      },
      { tools: [reportTool(() => answer())] },
    );
    const firstHandles: { handle: string; heldCallIds: readonly string[] }[] = [];
    const first = await createLiveSession(agent, {
      onHandle: (update) => firstHandles.push(update),
    });
    first.sendText('write the report');
    const firstEvents = await readUntil(
      first[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    const held = firstEvents.find((event) => event.type === 'tool-call');
    expect(held).toEqual({
      type: 'tool-call',
      toolCallId: 'live-call-0',
      toolName: 'long_report',
      args: {},
      behavior: 'NON_BLOCKING',
      idless: true,
    });
    await waitUntil(() => firstHandles.length >= 2);
    const handle = first.handle as string;
    await first.close();
    answer = async () => ({ pages: 3 });

    const second = await createLiveSession(agent, {
      resumeHandle: handle,
      pendingCalls: [{ id: 'live-call-0', name: 'long_report', args: {}, idless: true }],
    });
    const events = await readUntil(
      second[Symbol.asyncIterator](),
      (event) => event.type === 'text-delta' && event.text === 'Both reports are ready.',
    );
    const calls = events.filter((event) => event.type === 'tool-call');
    expect(calls).toEqual([
      expect.objectContaining({ toolCallId: 'live-call-0', idless: true }),
      expect.objectContaining({ toolCallId: 'live-call-1', idless: true }),
    ]);
    expect(
      events.flatMap((event) => (event.type === 'tool-result' ? [event.toolCallId] : [])),
    ).toEqual(['live-call-0', 'live-call-1']);
    // Two answers on the resumed connection, one per call, neither with an id.
    expect(messagesOf(fake, 1, 'toolResponse')).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { name: 'long_report', response: { pages: 3 }, scheduling: 'WHEN_IDLE' },
          ],
        },
      },
      {
        toolResponse: {
          functionResponses: [
            { name: 'long_report', response: { pages: 3 }, scheduling: 'WHEN_IDLE' },
          ],
        },
      },
    ]);
    expect(fake.errors).toEqual([]);
    await second.close();
  });

  it('starts id-less keys at idlessKeyStart (a store passes what earlier processes gave out)', async () => {
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'long_report', id: null, args: {} }] }],
          [{ text: 'Done.' }],
        ],
      },
      { tools: [reportTool(async () => ({ pages: 1 }))] },
    );
    await expect(createLiveSession(agent, { idlessKeyStart: -1 })).rejects.toThrow(
      /idlessKeyStart must be an integer/,
    );
    await using session = await createLiveSession(agent, {
      idlessKeyStart: 7,
      toolBehavior: { long_report: 'BLOCKING' },
    });
    session.sendText('one report');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'text-delta',
    );
    expect(
      events.flatMap((event) => (event.type === 'tool-call' ? [event.toolCallId] : [])),
    ).toEqual(['live-call-7']);
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([
      { toolResponse: { functionResponses: [{ name: 'long_report', response: { pages: 1 } }] } },
    ]);
    expect(fake.errors).toEqual([]);
  });
});
