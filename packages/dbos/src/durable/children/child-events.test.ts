import {
  type AgentEvent,
  type AgentOptions,
  createAgent,
  createGemini,
  defineTool,
} from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createFakeGemini, type FakeGemini, googleError, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import type { Body } from '../../__fixtures__/subagent-fake.ts';
import type { DurableWorker } from '../worker/durable-worker.ts';
import { startDurableWorker } from '../worker/start-durable-worker.ts';

// A durable subagent's events in its parent's stream, compared with the same tree in process
// (events66, durable64's "Noticed": "a failed child's events never reach its parent's stream").
// In process a child's events stream through its parent's `agent.stream()` under the child's
// `path` as they come, whether the child then succeeds or fails; durably the child workflow
// records them and hands them to the parent's stream when it ends. One worker in this process
// on the suite's embedded Postgres; each tree is also run in process on its own fake.

const model = 'gemini-2.5-flash';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

const boom = defineTool({
  name: 'boom',
  parameters: z.object({ q: z.string() }),
  execute: () => {
    throw new Error('the tool broke');
  },
});

/**
 * Held until the test lets it go (`letGo`): the `when` of a child's events (durable68). Open
 * unless a test closed it.
 */
let gate: Promise<void> = Promise.resolve();

const hold = defineTool({
  name: 'hold',
  parameters: z.object({ q: z.string() }),
  execute: async ({ q }) => {
    await gate;
    return { held: q };
  },
});

/** Whether the request answers a tool call (the agent's second model call). */
const answered = (body: Body): boolean =>
  (body.contents ?? []).some((content) =>
    (content.parts ?? []).some((part) => part['functionResponse'] !== undefined),
  );

const instructionsOf = (body: Body): string => body.systemInstruction?.parts?.[0]?.text ?? '';

/**
 * `CHILD` calls `lookup`, then answers; `FAILING` calls `boom` (the tool throws, answered to the
 * model), then its model call fails (a 400, not retried); a parent calls its subagent, then answers.
 */
const script = (request: { body: unknown }) => {
  const body = request.body as Body;
  const instructions = instructionsOf(body);
  if (instructions.startsWith('CHILD')) {
    return answered(body) ? turn.text('child done') : turn.call('lookup', { q: 'a' });
  }
  if (instructions.startsWith('FAILING')) return turn.call('boom', { q: 'b' });
  // A grandchild that holds (then answers, or fails: HOLDFAIL's answer is a 400), under a middle
  // child that calls it, then answers.
  if (instructions.startsWith('HOLD')) {
    return answered(body) ? turn.text('held done') : turn.call('hold', { q: 'h' });
  }
  if (instructions.startsWith('MIDDLE')) {
    return answered(body) ? turn.text('middle done') : turn.call('holder', { task: 'hold it' });
  }
  if (instructions.startsWith('HELD') && !answered(body)) {
    return turn.call('waiter', { task: 'wait' });
  }
  if (answered(body)) return turn.text('parent done');
  const tool = instructions.startsWith('OK') ? 'clerk' : 'breaker';
  return turn.call(tool, { task: 'do it' });
};

const fakeOptions = {
  script,
  faults: [
    {
      fault: { type: 'http-error' as const, error: googleError(400, 'The request is not valid.') },
      on: (call: { body: unknown }) =>
        (instructionsOf(call.body as Body).startsWith('FAILING') ||
          instructionsOf(call.body as Body).startsWith('HOLDFAIL')) &&
        answered(call.body as Body),
    },
  ],
};

type Tree = 'ok' | 'told' | 'thrown' | 'held' | 'heldFailing';

/** `ok`: its child succeeds; `told`: its child fails, told to the model; `thrown`: ends the run. */
function agents(gemini: ReturnType<typeof createGemini>): Record<Tree, AgentOptions<unknown>> {
  const clerk = subagent(
    createAgent({ gemini, model, instructions: 'CHILD: look things up.', tools: [lookup] }),
    { name: 'clerk', description: 'Looks things up.' },
  );
  const failing = createAgent({
    gemini,
    model,
    instructions: 'FAILING: break things.',
    tools: [boom],
  });
  const told = subagent(failing, { name: 'breaker', description: 'Breaks things.' });
  const thrown = subagent(failing, {
    name: 'breaker',
    description: 'Breaks things.',
    onError: 'throw',
  });
  // HELD > waiter (MIDDLE) > holder (HOLDING or HOLDFAIL) > the `hold` tool.
  const waiter = (grandchild: string) =>
    subagent(
      createAgent({
        gemini,
        model,
        instructions: 'MIDDLE: ask the holder.',
        tools: [
          subagent(
            createAgent({ gemini, model, instructions: `${grandchild}: hold.`, tools: [hold] }),
            { name: 'holder', description: 'Holds.' },
          ),
        ],
      }),
      { name: 'waiter', description: 'Waits.' },
    );
  return {
    held: { gemini, model, instructions: 'HELD', tools: [waiter('HOLDING')] },
    heldFailing: { gemini, model, instructions: 'HELD', tools: [waiter('HOLDFAIL')] },
    ok: { gemini, model, instructions: 'OK', tools: [clerk] },
    told: { gemini, model, instructions: 'TOLD', tools: [told] },
    thrown: { gemini, model, instructions: 'THROWN', tools: [thrown] },
  };
}

let fake: FakeGemini;
let worker: DurableWorker;

beforeAll(async () => {
  fake = createFakeGemini(fakeOptions);
  await fake.listen();
  const databaseUrl = await workerDatabase('child_events');
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: fake.url, retry: { maxRetries: 0 } });
  worker = await startDurableWorker({
    databaseUrl,
    executorId: 'child-events',
    agents: agents(gemini),
    logLevel: 'error',
  });
});

afterAll(async () => {
  await worker?.shutdown();
  await fake?.close();
});

/**
 * What an event says of the tree, ids and timestamps left out: its type, path, and the tool,
 * outcome and text it carries.
 */
function shape(event: AgentEvent<unknown>): string {
  const fields = event as unknown as Record<string, unknown>;
  const path = (fields['path'] as string[] | undefined)?.join('>') ?? '-';
  const call = fields['toolCall'] as { toolName?: string; outcome?: string } | undefined;
  const extra = [
    fields['toolName'],
    call?.toolName,
    call?.outcome,
    event.type === 'text-delta' ? JSON.stringify(fields['text']) : undefined,
  ]
    .filter((value) => value !== undefined)
    .join(' ');
  return `${path}|${event.type}${extra === '' ? '' : ` ${extra}`}`;
}

/** The child's events (a non-empty path) as the same tree's `agent.stream()` gives them. */
async function inProcess(tree: Tree): Promise<string[]> {
  const local = createFakeGemini(fakeOptions);
  const gemini = createGemini({ apiKey: 'test-key', fetch: local.fetch, retry: { maxRetries: 0 } });
  const agent = createAgent(agents(gemini)[tree]);
  const seen: string[] = [];
  try {
    for await (const event of agent.stream('Go.')) seen.push(shape(event));
  } catch {
    // `thrown` ends its stream with the child's SubagentError: the events before it count.
  }
  return seen;
}

/** The same from the durable run's stored events (`runs.events()`). */
async function durable(tree: Tree): Promise<string[]> {
  const { runId } = await worker.runs.start(tree, { input: 'Go.' });
  await worker.runs.result(runId).catch(() => undefined);
  const seen: string[] = [];
  for await (const { event } of worker.runs.events(runId)) seen.push(shape(event));
  return seen;
}

/** The events of the subagents (a path), and the parent's events of its subagent's call. */
const treeEvents = (events: string[], tool: string): string[] =>
  events.filter((line) => !line.startsWith('-|') || line.includes(` ${tool}`));

describe("a durable subagent's events in its parent's stream, as in process", () => {
  it.each([
    ['ok', 'clerk', 'a child that succeeds'],
    [
      'told',
      'breaker',
      'a child that fails (its tool throws, its model call fails), told to the model',
    ],
    ['thrown', 'breaker', 'a child that fails and ends its parent (onError: throw)'],
  ] as const)('%s (%s): the same child events as in process, %s', async (tree, tool, _how) => {
    const expected = treeEvents(await inProcess(tree), tool);
    // The child's own events are in the in-process stream (a check of the reference itself).
    expect(expected.some((line) => line.startsWith(`${tool}#1|`))).toBe(true);
    expect(treeEvents(await durable(tree), tool)).toEqual(expected);
  });
});

describe("a durable subagent's events reach its parent's stream as they come (durable68)", () => {
  it.each([
    ['held', 'a grandchild that succeeds'],
    ['heldFailing', 'a grandchild that fails (its model call fails), told to its parent'],
  ] as const)(
    '%s: the held grandchild’s tool call is read before it ends, %s; then every event once, as in process',
    { timeout: 120_000 },
    async (tree, _how) => {
      const expected = treeEvents(await inProcess(tree), 'waiter');
      expect(expected).toContain('waiter#1>holder#1|tool-call hold');
      let letGo = (): void => {};
      gate = new Promise((resolve) => {
        letGo = resolve;
      });
      try {
        const { runId } = await worker.runs.start(tree, { input: 'Go.' });
        const seen: string[] = [];
        const reader = worker.runs.events(runId)[Symbol.asyncIterator]();
        const readUntilHeld = async (): Promise<boolean> => {
          while (true) {
            const next = await reader.next();
            if (next.done === true) return false;
            seen.push(shape(next.value.event));
            if (seen.at(-1) === 'waiter#1>holder#1|tool-call hold') return true;
          }
        };
        // A hang guard only: before, nothing of the child's came until it ended, so the reader
        // waited here until the guard let the tool go.
        let guard: ReturnType<typeof setTimeout> | undefined;
        const heldSeen = await Promise.race([
          readUntilHeld(),
          new Promise<false>((resolve) => {
            guard = setTimeout(() => resolve(false), 60_000);
          }),
        ]);
        clearTimeout(guard);
        expect(heldSeen).toBe(true);
        // Read while the grandchild's tool is held: the run has not ended.
        expect((await worker.runs.status(runId))?.status).toBe('PENDING');
        letGo();
        while (true) {
          const next = await reader.next();
          if (next.done === true) break;
          seen.push(shape(next.value.event));
        }
        expect(treeEvents(seen, 'waiter')).toEqual(expected);
      } finally {
        letGo();
        gate = Promise.resolve();
      }
    },
  );
});
