import { setTimeout as sleep } from 'node:timers/promises';
import { type Content, createAgent, createGemini, defineTool } from '@gemloop/core';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { validateHistory } from '@gemloop/core/history';
import { createFakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// attack48a: chat sessions and tools on one agent shared by many callers at once.
// - One chat object sent to by several callers at once (each send a tool step and an answer):
//   the sends are queued, and the stored history stays one Gemini would take.
// - Sixty sessions on one agent and one store, three sends each at once: each history its own.
// - Tools that throw (a key in the message), hang past their limit, or return huge or odd values,
//   in a hundred runs at once: every run ends as a lone run with that tool would.

const MODEL = 'gemini-2.5-flash';
const KEY = 'key-of-the-chat-48a';

function markersIn(text: string): string[] {
  return [...new Set(text.match(/[a-z]+-\d+-/g) ?? [])];
}

/** A tool step naming the message's marker, then an answer quoting the tool's result. */
const toolThenAnswer: FakeScriptFunction = async (_request, context) => {
  const marker = markersIn(context.lastUserText ?? '')[0] ?? 'none-0-';
  await sleep((context.callIndex * 13) % 7);
  if (context.functionResponses.length === 0) {
    return turn.calls([
      { name: 'note', args: { marker } },
      { name: 'note', args: { marker: `${marker}again` } },
    ]);
  }
  return turn.text(`said ${marker} ${JSON.stringify(context.functionResponses).slice(0, 200)}`);
};

const note = defineTool({
  name: 'note',
  parameters: z.object({ marker: z.string() }),
  execute: async ({ marker }) => {
    await sleep(marker.length % 4);
    return { noted: marker };
  },
});

/** User/model alternation (a tool response counts as the user's turn) and every call answered. */
function shapeProblems(contents: readonly Content[]): string[] {
  const problems = validateHistory(contents).map((issue) => issue.message);
  for (let index = 1; index < contents.length; index++) {
    const previous = contents[index - 1] as Content;
    const content = contents[index] as Content;
    if (previous.role === content.role) problems.push(`two ${content.role} turns at ${index}`);
    const calls = previous.parts.filter((part) => 'functionCall' in part).length;
    const responses = content.parts.filter((part) => 'functionResponse' in part).length;
    if (calls !== responses) problems.push(`${calls} calls, ${responses} responses at ${index}`);
  }
  return problems;
}

async function serve(script: FakeScriptFunction) {
  const fake = createFakeGemini({ script, keepRequests: 8 });
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: KEY, retry: false }) };
}

describe('one chat object, many callers at once', () => {
  it('queues twelve sends (run and stream, one aborted while queued): a valid history in order', async () => {
    const { fake, gemini } = await serve(toolThenAnswer);
    const agent = createAgent({ gemini, model: MODEL, tools: [note] });
    const chat = createChatSession({ agent, store: createMemoryHistoryStore(), id: 'shared' });
    const stopped = new AbortController();
    const sends = Array.from({ length: 12 }, async (_, index) => {
      const message = `message msg-${index}-`;
      if (index === 7) {
        const pending = chat.send(message, { signal: stopped.signal });
        stopped.abort(new Error('caller left'));
        return pending.then(
          (result) => result.text,
          (error: unknown) => `failed: ${(error as Error).name}`,
        );
      }
      if (index % 2 === 0) return (await chat.send(message)).text;
      const stream = chat.sendStream(message);
      for await (const _event of stream);
      return (await stream.result).text;
    });
    const texts = await Promise.all(sends);
    const history = await chat.history();
    await chat.close();
    await agent.close();
    await fake.close();

    expect(texts[7]).toMatch(/^failed: /);
    for (const [index, text] of texts.entries()) {
      if (index !== 7) expect(text).toMatch(new RegExp(`^said msg-${index}- `));
    }
    expect(shapeProblems(history)).toEqual([]);
    // Each send's four contents (message, calls, responses, answer) in the order the sends were made.
    const order = history
      .filter((content) => content.role === 'user' && content.parts.some((part) => 'text' in part))
      .map((content) => markersIn(JSON.stringify(content))[0]);
    expect(order).toEqual(
      Array.from({ length: 12 }, (_, index) => `msg-${index}-`).filter((_, i) => i !== 7),
    );
    expect(history).toHaveLength(11 * 4);
  });
});

describe('sixty sessions on one agent and one store, three sends each at once', () => {
  it('keeps each session’s history its own and Gemini-valid', async () => {
    const { fake, gemini } = await serve(toolThenAnswer);
    const agent = createAgent({ gemini, model: MODEL, tools: [note] });
    const store = createMemoryHistoryStore();
    const sessions = Array.from({ length: 60 }, (_, index) =>
      createChatSession({ agent, store, id: `session-${index}` }),
    );
    await Promise.all(
      sessions.flatMap((chat, index) =>
        [0, 1, 2].map((send) => chat.send(`from owner-${index}- send ${send}`)),
      ),
    );
    for (const [index, chat] of sessions.entries()) {
      const history = await chat.history();
      expect(shapeProblems(history), `session ${index}`).toEqual([]);
      expect(history).toHaveLength(12);
      const owners = markersIn(JSON.stringify(history)).filter((marker) =>
        marker.startsWith('owner'),
      );
      expect(owners, `session ${index}`).toEqual([`owner-${index}-`]);
    }
    await Promise.all(sessions.map((chat) => chat.close()));
    await agent.close();
    await fake.close();
  });
});

describe('odd tools in a hundred runs at once', () => {
  type Odd = 'throws' | 'hangs' | 'huge' | 'undefined' | 'bigint' | 'cycle' | 'function' | 'nan';
  const odds: Odd[] = [
    'throws',
    'hangs',
    'huge',
    'undefined',
    'bigint',
    'cycle',
    'function',
    'nan',
  ];
  const oddScript: FakeScriptFunction = (_request, context) => {
    const marker = markersIn(context.lastUserText ?? '')[0] ?? 'none-0-';
    if (context.functionResponses.length === 0) {
      const run = Number(/(\d+)/.exec(marker)?.[1] ?? 0);
      return turn.calls([
        {
          name: odds[run % odds.length] === 'hangs' ? 'stall' : 'odd',
          args: { kind: odds[run % odds.length], marker },
        },
        { name: 'note', args: { marker } },
      ]);
    }
    // Its head and tail with the run's marker taken out: the same for every run of one kind of
    // tool (a cut-off output's note at the end).
    const response = JSON.stringify(context.functionResponses).replaceAll(marker, 'M');
    return turn.text(`done ${marker} ${response.slice(0, 300)} ${response.slice(-300)}`);
  };
  // The one that hangs has a tool of its own with the short limit: a hundred runs at once (2 MB
  // results among them) can hold the event loop past 200 ms on a loaded machine, and a quick
  // `odd` call would then time out where a lone run's did not (race49 saw it once at load 24).
  const stall = defineTool({
    name: 'stall',
    parameters: z.object({ kind: z.string(), marker: z.string() }),
    timeoutMs: 200,
    // Ignores its signal on purpose: the run must not wait for it.
    execute: (): Promise<unknown> => new Promise(() => {}),
  });
  const odd = defineTool({
    name: 'odd',
    parameters: z.object({ kind: z.string(), marker: z.string() }),
    execute: async ({ kind, marker }, { signal }): Promise<unknown> => {
      await sleep(marker.length % 3);
      switch (kind) {
        case 'throws':
          throw new Error(`backend refused ${marker} with key ${KEY}`);
        case 'huge':
          // The same length for every run: the cut-off note counts what was left out.
          return { marker, blob: `${marker}${'x'.repeat(2_000_000 - 2 * marker.length)}` };
        case 'undefined':
          return undefined;
        case 'bigint':
          return { marker, big: 10n ** 30n };
        case 'cycle': {
          const value: Record<string, unknown> = { marker };
          value['self'] = value;
          return value;
        }
        case 'function':
          return { marker, call: () => signal };
        default:
          return { marker, value: Number.NaN, infinite: Number.POSITIVE_INFINITY };
      }
    },
  });

  it('each run ends as a lone run with that tool would, with its own results and no key', async () => {
    const { fake, gemini } = await serve(oddScript);
    const agent = createAgent({ gemini, model: MODEL, tools: [odd, stall, note] });
    const lone = async (run: number): Promise<string> => {
      try {
        const result = await agent.run(`run run-${run}-`);
        return `ok ${result.text.replace(/run-\d+-/g, 'M').replace(/M[a-z]*/g, 'M')}`;
      } catch (error) {
        return `error ${(error as Error).name}`;
      }
    };
    // What each kind of tool makes of a run alone, first.
    const alone: string[] = [];
    for (let run = 0; run < odds.length; run++) alone.push(await lone(run));
    const together = await Promise.all(
      Array.from({ length: 100 }, async (_, run) => {
        const result = await agent.run(`run run-${run}-`).catch((error: unknown) => error);
        return { run, result };
      }),
    );
    for (const { run, result } of together) {
      const text = result instanceof Error ? '' : (result as { text: string }).text;
      const summary =
        result instanceof Error
          ? `error ${result.name}`
          : `ok ${text.replace(/run-\d+-/g, 'M').replace(/M[a-z]*/g, 'M')}`;
      expect(summary, `run ${run} (${odds[run % odds.length]})`).toBe(alone[run % odds.length]);
      if (!(result instanceof Error)) {
        expect(markersIn(text).filter((marker) => marker.startsWith('run'))).toEqual([
          `run-${run}-`,
        ]);
        const contents = (result as { contents: Content[] }).contents;
        expect(JSON.stringify(contents)).not.toContain(KEY);
        expect(shapeProblems(contents)).toEqual([]);
      } else {
        expect(`${result.message} ${result.stack}`).not.toContain(KEY);
      }
    }
    await agent.close();
    await fake.close();
  });
});
