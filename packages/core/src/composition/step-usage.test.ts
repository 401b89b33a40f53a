import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { addCosts } from '../models/add-costs.ts';
import { CostTotal } from '../models/cost-total.ts';
import { costOf } from '../pricing/cost-of.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { AgentResult, AgentStep } from '../run/agent-result.ts';
import { subagent } from './subagent.ts';

// A parent's step that called subagents reports its own usage and theirs (every field summed),
// split by agent as result.usageByAgent is, and its cost with theirs, each child priced at its
// own model: in a unary run, a streamed one (the step-end event) and the recording.

const PARENT_MODEL = 'gemini-2.5-flash';
const CHILD_MODEL = 'gemini-2.5-pro';

function makeTree(recorder?: ReturnType<typeof createRunRecorder>) {
  const child = (name: string, usage: Record<string, number>) =>
    createAgent({
      gemini: createScriptedGemini([{ ...textTurn(`${name} answer`), usageMetadata: usage }]),
      model: CHILD_MODEL,
      name,
      telemetry: false,
    });
  const alpha = child('alpha', {
    promptTokenCount: 1000,
    candidatesTokenCount: 20,
    thoughtsTokenCount: 30,
    totalTokenCount: 1050,
  });
  const beta = child('beta', {
    promptTokenCount: 2000,
    cachedContentTokenCount: 500,
    toolUsePromptTokenCount: 9,
    candidatesTokenCount: 40,
    totalTokenCount: 2049,
  });
  return createAgent({
    gemini: createScriptedGemini([
      {
        ...callsTurn(['alpha', { task: 'a' }, 'c1'], ['beta', { task: 'b' }, 'c2']),
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 5, totalTokenCount: 105 },
      },
      {
        ...textTurn('done'),
        usageMetadata: { promptTokenCount: 300, candidatesTokenCount: 7, totalTokenCount: 307 },
      },
    ]),
    model: PARENT_MODEL,
    name: 'lead',
    tools: [
      subagent(alpha, { name: 'alpha', description: 'Alpha.' }),
      subagent(beta, { name: 'beta', description: 'Beta.' }),
    ],
    telemetry: false,
    ...(recorder === undefined ? {} : { recorder }),
  });
}

const ALPHA = {
  promptTokenCount: 1000,
  candidatesTokenCount: 20,
  thoughtsTokenCount: 30,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 1050,
};
const BETA = {
  promptTokenCount: 2000,
  candidatesTokenCount: 40,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 9,
  cachedContentTokenCount: 500,
  totalTokenCount: 2049,
};
const OWN = {
  promptTokenCount: 100,
  candidatesTokenCount: 5,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 105,
};

function expectRolledUp(step: AgentStep | undefined): void {
  expect(step?.usage).toEqual(OWN);
  expect(step?.usageWithChildren).toEqual({
    promptTokenCount: 3100,
    candidatesTokenCount: 65,
    thoughtsTokenCount: 30,
    toolUsePromptTokenCount: 9,
    cachedContentTokenCount: 500,
    totalTokenCount: 3204,
  });
  // The split: the step's own agent first, then each child (parallel: in the order they ended).
  expect(step?.usageByAgent?.[0]).toEqual({ path: [], usage: OWN });
  expect(
    [...(step?.usageByAgent ?? []).slice(1)].sort((a, b) =>
      a.path.join().localeCompare(b.path.join()),
    ),
  ).toEqual([
    { path: ['alpha#1'], usage: ALPHA },
    { path: ['beta#1'], usage: BETA },
  ]);
  // Each child priced at its own model, not the parent's.
  const childCost = addCosts(costOf(ALPHA, CHILD_MODEL), costOf(BETA, CHILD_MODEL));
  expect(step?.toolCalls.map((call) => call.cost?.total)).toEqual([
    costOf(ALPHA, CHILD_MODEL).total,
    costOf(BETA, CHILD_MODEL).total,
  ]);
  if (step === undefined) throw new Error('no step');
  expect(step.costWithChildren).toEqual(addCosts(step.cost, childCost));
  expect(costOf(ALPHA, CHILD_MODEL).total).not.toBe(costOf(ALPHA, PARENT_MODEL).total);
}

function expectRunTotals(result: AgentResult): void {
  const [first, second] = result.steps;
  expectRolledUp(first);
  // A step without subagent calls has none of it.
  expect(second?.usageWithChildren).toBeUndefined();
  expect(second?.usageByAgent).toBeUndefined();
  // The run's cost is the steps' with their children.
  if (first === undefined || second === undefined) throw new Error('two steps expected');
  expect(result.cost).toEqual(addCosts(first.costWithChildren ?? first.cost, second.cost));
}

describe('usage roll-up per step', () => {
  it('sums the children into the step that called them, with the per-agent split (unary)', async () => {
    const result = await makeTree().run('go');
    expectRunTotals(result);
  });

  it('does the same in a streamed run, on the step-end event', async () => {
    const stream = makeTree().stream('go');
    const ended: AgentStep[] = [];
    for await (const event of stream) {
      if (event.type === 'step-end' && event.path.length === 0) ended.push(event.step);
    }
    expectRunTotals(await stream.result);
    expectRolledUp(ended[0]);
  });

  it('records the roll-up on the step-end line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-step-usage-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir });
    const result = await makeTree(recorder).run('go');
    await recorder.flush();
    const files = await readdir(dir);
    const lines = await Promise.all(
      files.map(async (name) =>
        (await readFile(join(dir, name), 'utf8'))
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      ),
    );
    const top = lines.find((run) => run[0]?.['agentName'] === 'lead') ?? [];
    const stepEnds = top.filter((line) => line['type'] === 'step-end');
    expect(stepEnds[0]?.['usageWithChildren']).toEqual(result.steps[0]?.usageWithChildren);
    expect(stepEnds[0]?.['costWithChildren']).toEqual(result.steps[0]?.costWithChildren);
    expect(stepEnds[0]?.['usageByAgent']).toEqual(result.steps[0]?.usageByAgent);
    expect(stepEnds[1]).not.toHaveProperty('usageWithChildren');
  });

  it('sums costWithChildren when first read, the same figure, then keeps it as data', async () => {
    const result = await makeTree().run('go');
    const step = result.steps[0];
    if (step === undefined) throw new Error('no step');
    // Nothing of the run read it: still the accessor, in its place among the keys; so are the
    // calls' costs (their child runs' meters, priced when read).
    expect(Object.getOwnPropertyDescriptor(step, 'costWithChildren')?.get).toBeTypeOf('function');
    for (const call of step.toolCalls) {
      expect(Object.getOwnPropertyDescriptor(call, 'cost')?.get).toBeTypeOf('function');
      expect(Object.keys(call).indexOf('cost')).toBe(Object.keys(call).indexOf('usage') + 1);
    }
    const keys = Object.keys(step);
    expect(keys.indexOf('costWithChildren')).toBe(keys.indexOf('usageWithChildren') + 1);
    expectRolledUp(step);
    expect(Object.getOwnPropertyDescriptor(step, 'costWithChildren')).toMatchObject({
      writable: true,
      enumerable: true,
    });
    expect(Object.keys(step)).toEqual(keys);
    // A spread, JSON and a frozen step's reads see the same figure.
    const again = (await makeTree().run('go')).steps[0] as AgentStep;
    const copy = { ...again };
    expect(copy.costWithChildren).toEqual(step.costWithChildren);
    const frozen = Object.freeze((await makeTree().run('go')).steps[0] as AgentStep);
    expect(frozen.costWithChildren).toEqual(step.costWithChildren);
    expect(frozen.costWithChildren).toEqual(step.costWithChildren);
    expect(() => {
      (frozen as { costWithChildren: unknown }).costWithChildren = step.cost;
    }).toThrow(TypeError);
    // Assigned before it was read: the assignment is what it holds.
    const assigned = (await makeTree().run('go')).steps[0] as AgentStep;
    assigned.costWithChildren = step.cost;
    expect(assigned.costWithChildren).toEqual(step.cost);
    expect(JSON.parse(JSON.stringify(step)).costWithChildren).toEqual(step.costWithChildren);
  });

  it("adds each child's spending as its meter summed it, not by parsing its dollars back", async () => {
    // CostTotal.add is the path that reads a written Cost's dollar strings; the children's
    // costs reach the run, the step and the result through their meters' pico-dollars, with
    // the same digits (issue 30: that parse was ~12 us a subagent call).
    const add = vi.spyOn(CostTotal.prototype, 'add');
    try {
      const result = await makeTree().run('go');
      expect(add).not.toHaveBeenCalled();
      expectRunTotals(result);
    } finally {
      add.mockRestore();
    }
  });
});
