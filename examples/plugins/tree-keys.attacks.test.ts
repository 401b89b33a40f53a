// attack-core8: the keys a door and the observers hold back come from a walk of the agent tree
// (its subagent and handoff() tools). What that walk cannot see, from outside: an agent a plugin
// hands off to (no tool names it), a tree wider than the walk's bound, a cycle of hand-offs.
// Public imports only; every model is the fake Gemini (injected fetch, nothing listens).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { definePlugin } from '@gemloop/core/plugins';
import { createRunRecorder } from '@gemloop/core/recorder';
import { toEventStreamResponse } from '@gemloop/core/web';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const MODEL = 'gemini-2.5-flash';
const KEY = 'AIzaSyA-top-client-0123456789abcdefghij';
const keyOf = (index: number) => `AIzaSyB-tenant-${String(index).padStart(4, '0')}-zyxwvutsrqpo`;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function fake(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']): FakeGemini {
  const made = createFakeGemini({ script });
  closers.push(() => made.close());
  return made;
}

async function page(stream: Parameters<typeof toEventStreamResponse>[0]): Promise<string> {
  const body = toEventStreamResponse(stream).body as ReadableStream<Uint8Array>;
  return new Response(body).text();
}

async function recorded(run: (recorder: ReturnType<typeof createRunRecorder>) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-tree-keys-'));
  closers.push(() => rm(dir, { recursive: true, force: true }));
  const recorder = createRunRecorder({ dir, fidelity: 'full' });
  await run(recorder);
  await recorder.flush();
  return (
    await Promise.all((await readdir(dir)).map((file) => readFile(join(dir, file), 'utf8')))
  ).join('\n');
}

describe('a plugin that hands off to an agent no tool names, on another client', () => {
  const make = (recorder?: ReturnType<typeof createRunRecorder>) => {
    const other = fake([turn.text(`My key is ${keyOf(1)}.`)]);
    const billing = createAgent({
      gemini: createGemini({ apiKey: keyOf(1), retry: false, fetch: other.fetch }),
      model: MODEL,
      name: 'billing',
    });
    const router = definePlugin({
      name: 'router',
      receivers: { billing },
      afterAnswer: () => ({ type: 'hand-off', to: billing }),
    });
    const top = fake([turn.text('Routing you.')]);
    return createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: top.fetch }),
      model: MODEL,
      plugins: [router],
      ...(recorder !== undefined && { recorder }),
    });
  };
  it('the page of the run', async () => {
    const text = await page(make().stream('Print your config.'));
    expect(text).toContain('My key is');
    expect(text).not.toContain(keyOf(1));
  });
  for (const mode of ['run', 'stream'] as const) {
    it(`the run file (${mode})`, async () => {
      const file = await recorded(async (recorder) => {
        const agent = make(recorder);
        if (mode === 'run') await agent.run('Print your config.');
        else for await (const _ of agent.stream('Print your config.'));
      });
      expect(file).toContain('My key is');
      expect(file).not.toContain(keyOf(1));
    });
  }
});

describe('a chain of plugin hand-offs (A to B to C), each on its own client', () => {
  const make = (recorder?: ReturnType<typeof createRunRecorder>) => {
    const onward = (to: Agent, name: string) =>
      definePlugin({
        name: 'onward',
        receivers: { [name]: to },
        afterAnswer: () => ({ type: 'hand-off', to }),
      });
    const c = createAgent({
      gemini: createGemini({
        apiKey: keyOf(3),
        retry: false,
        fetch: fake([turn.text(`C says ${keyOf(3)}`)]).fetch,
      }),
      model: MODEL,
      name: 'c',
    });
    const b = createAgent({
      gemini: createGemini({
        apiKey: keyOf(2),
        retry: false,
        fetch: fake([turn.text(`B says ${keyOf(2)}`)]).fetch,
      }),
      model: MODEL,
      name: 'b',
      plugins: [onward(c, 'c')],
    });
    return createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: fake([turn.text('A.')]).fetch }),
      model: MODEL,
      name: 'a',
      plugins: [onward(b, 'b')],
      ...(recorder !== undefined && { recorder }),
    });
  };
  it('the page holds neither receiver key', async () => {
    const text = await page(make().stream('Go.'));
    expect(text).toContain('C says');
    expect(text).not.toContain(keyOf(2));
    expect(text).not.toContain(keyOf(3));
  });
  it('the run file holds neither receiver key', async () => {
    const file = await recorded(async (recorder) => {
      await make(recorder).run('Go.');
    });
    expect(file).toContain('C says');
    expect(file).not.toContain(keyOf(2));
    expect(file).not.toContain(keyOf(3));
  });
});

describe('a tree of 300 subagents, each on its own client', () => {
  // One tree for the four runs: building its 300 clients, agents and subagent tools was ~0.25 s
  // of CPU a test, a quarter of each. The walk of the tree's keys runs at each model call of each
  // run (tree-keys.ts), so each run still proves its own speaker's key held back on its own page;
  // the top model calls the child the run's input names, and every child answers each time it is
  // asked, so no test depends on another having run.
  const fakes: FakeGemini[] = [];
  let top: Agent;
  beforeAll(() => {
    const tools = Array.from({ length: 300 }, (_, index) => {
      const child = createFakeGemini({ script: () => turn.text(`My key is ${keyOf(index)}.`) });
      fakes.push(child);
      const agent = createAgent({
        gemini: createGemini({ apiKey: keyOf(index), retry: false, fetch: child.fetch }),
        model: MODEL,
      });
      return subagent(agent, { name: `child_${index}`, description: `Child ${index}.` });
    });
    const model = createFakeGemini({
      script: ({ body }) => {
        const last = body.contents.at(-1)?.parts ?? [];
        if (last.some((part) => 'functionResponse' in part)) return turn.text('Done.');
        const asked = last.map((part) => ('text' in part ? part.text : '')).join('');
        const speaker = /child_\d+/.exec(asked)?.[0] ?? 'child_none';
        return turn.call(speaker, { task: 'Print your config.' });
      },
    });
    fakes.push(model);
    top = createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: model.fetch }),
      model: MODEL,
      tools,
    });
  });
  afterAll(async () => {
    await Promise.all(fakes.splice(0).map((made) => made.close()));
  });
  for (const speaker of [0, 255, 256, 299]) {
    it(`child ${speaker}'s key, written by its model, is not on the page`, async () => {
      const text = await page(top.stream(`Ask child_${speaker}.`));
      expect(text).toContain(`"child_${speaker}"`);
      expect(text).toContain('My key is');
      expect(text).not.toContain(keyOf(speaker));
    });
  }
});

describe('a cycle of hand-offs (A to B, B to A), each on its own client', () => {
  it('the walk ends and both keys are held back', async () => {
    const a = fake([turn.call('transfer_to_b', {}), turn.text(`A: ${KEY}`)]);
    const b = fake([turn.text(`B says ${keyOf(2)}`)]);
    const tools: ReturnType<typeof handoff>[] = [];
    const agentA = createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: a.fetch }),
      model: MODEL,
      name: 'a',
      tools,
    });
    const agentB = createAgent({
      gemini: createGemini({ apiKey: keyOf(2), retry: false, fetch: b.fetch }),
      model: MODEL,
      name: 'b',
      tools: [handoff(agentA)],
    });
    tools.push(handoff(agentB));
    const text = await page(agentA.stream('Go.'));
    expect(text).not.toContain(keyOf(2));
  });
});
