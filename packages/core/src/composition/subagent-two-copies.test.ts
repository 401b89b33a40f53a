import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import * as delegated from '../agent/tool-calls/delegated-result.ts';
import { InvalidToolResultError } from '../errors/invalid-tool-result-error.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// attack46a: a library built on its own copy of @gemloop/core (a monorepo's nested install, a
// bundled dependency) hands the app a ready-made `subagent()` tool, or @gemloop/serve's
// `a2aAgent` runs on a nested core. Its `execute` returns that copy's `DelegatedResult` (throws
// its `DelegatedFailure`), which this copy's `instanceof` did not know: the model got the wrapper
// (`{ output: { output, usage, cost, priced } }`), the child's usage was counted twice, and a
// failure lost its usage and was worded as a plain throw. (Seen with two real copies of the
// built package, /tmp copy of dist; here the module loaded a second time stands for it.)

const MODEL = 'gemini-2.5-flash';
const USAGE: AgentUsage = {
  promptTokenCount: 2,
  candidatesTokenCount: 3,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 5,
};

/** The module as a second copy of the package has it: its own classes. */
async function secondCopy(): Promise<typeof delegated> {
  return (await import(
    /* @vite-ignore */ `${new URL('../agent/tool-calls/delegated-result.ts', import.meta.url).href}?second-copy`
  )) as typeof delegated;
}

/** An agent whose one tool, `research`, answers with what `execute` gives. */
function parentWith(execute: () => unknown) {
  const gemini = createScriptedGemini([
    callsTurn(['research', { task: 'x' }, 'c1']),
    textTurn('Done.'),
  ]);
  const research = defineTool({
    name: 'research',
    description: 'Researches.',
    parameters: z.object({ task: z.string() }),
    execute,
  });
  return { gemini, agent: createAgent({ gemini, model: MODEL, tools: [research] }) };
}

describe("a subagent's result made by another copy of @gemloop/core", () => {
  it('is read as this copy reads its own: the output to the model, the usage once', async () => {
    const other = await secondCopy();
    expect(other.DelegatedResult).not.toBe(delegated.DelegatedResult);
    const { gemini, agent } = parentWith(
      () => new other.DelegatedResult({ answer: 'found' }, undefined, USAGE),
    );
    const result = await agent.run('go');
    const response = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response;
    expect(response).toEqual({ answer: 'found' });
    const [call] = result.steps[0]?.toolCalls ?? [];
    expect(call?.outcome).toBe('success');
    expect(call?.output).toEqual({ answer: 'found' });
    expect(call?.usage).toEqual(USAGE);
  });

  it("is a failure with its usage and the delegate's words when it throws", async () => {
    const other = await secondCopy();
    const { agent } = parentWith(() => {
      throw new other.DelegatedFailure(
        'The subagent research failed: backend down',
        new Error('backend down'),
        USAGE,
        undefined,
        undefined,
      );
    });
    const result = await agent.run('go');
    const [call] = result.steps[0]?.toolCalls ?? [];
    expect(call?.outcome).toBe('execution-error');
    expect(call?.error).toBe('The subagent research failed: backend down');
    expect(call?.usage).toEqual(USAGE);
  });

  it('of another version fails the call naming the two copies and the fix', async () => {
    // Its fields may differ from this version's: not read, the call fails as an invalid result.
    const made = { output: { answer: 'found' }, usage: USAGE };
    Object.defineProperty(made, Symbol.for('gemloop.delegated'), { value: '0.0.1-other' });
    const { gemini, agent } = parentWith(() => made);
    const result = await agent.run('go');
    const [call] = result.steps[0]?.toolCalls ?? [];
    expect(call?.outcome).toBe('execution-error');
    expect(InvalidToolResultError.isInstance(call?.cause)).toBe(true);
    expect(call?.error).toMatch(/two copies of @gemloop\/core \(0\.0\.1-other, \d/);
    expect(call?.error).toMatch(/one version/);
    const response = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response;
    expect(JSON.stringify(response)).not.toContain('found');
  });

  it("of another version counts the child's usage and cost in the parent's when they read as plain numbers (leftovers59)", async () => {
    // The child ran and was billed before the refusal: its spend belongs in the parent's totals
    // even though its output is never sent.
    const made = {
      output: { answer: 'found' },
      usage: { ...USAGE },
      cost: {
        currency: 'USD',
        total: '0.0123',
        input: '0.0100',
        cachedInput: '0',
        output: '0.0023',
        thinking: '0',
      },
    };
    Object.defineProperty(made, Symbol.for('gemloop.delegated'), { value: '0.0.1-other' });
    const { agent } = parentWith(() => made);
    const result = await agent.run('go');
    const [call] = result.steps[0]?.toolCalls ?? [];
    expect(call?.outcome).toBe('execution-error');
    expect(call?.usage).toEqual(USAGE);
    expect(call?.cost?.total).toBe('0.0123');
    // The parent's own model calls plus the child's.
    const own = result.steps.reduce((sum, step) => sum + step.usage.promptTokenCount, 0);
    expect(result.usage.promptTokenCount).toBe(own + USAGE.promptTokenCount);
    expect(result.usage.candidatesTokenCount).toBe(
      result.steps.reduce((sum, step) => sum + step.usage.candidatesTokenCount, 0) +
        USAGE.candidatesTokenCount,
    );
    const ownCost = result.steps.reduce((sum, step) => sum + Number(step.cost.total), 0);
    expect(Number(result.cost.total)).toBeCloseTo(ownCost + 0.0123, 10);
  });

  it("of another version with a cost it cannot read makes the parent's cost unknown, never a guess", async () => {
    const made = { output: { answer: 'found' }, usage: { ...USAGE }, cost: 12 };
    Object.defineProperty(made, Symbol.for('gemloop.delegated'), { value: '0.0.1-other' });
    const result = await parentWith(() => made).agent.run('go');
    const [call] = result.steps[0]?.toolCalls ?? [];
    expect(call?.usage).toEqual(USAGE);
    expect(result.cost.total).toBeNull();
    expect(result.cost.unknown).toMatch(/0\.0\.1-other/);
  });

  it("of another version that throws its failure counts the child's usage and cost, as its refused result would (leftovers60)", async () => {
    // Its DelegatedFailure as that version makes it: an Error, branded, the spend not enumerable.
    const foreignFailure = (usage: unknown, cost: unknown): Error => {
      const failure = new Error('The subagent research failed: backend down');
      Object.defineProperties(failure, {
        [Symbol.for('gemloop.delegated')]: { value: '0.0.1-other' },
        usage: { value: usage },
        cost: { value: cost },
      });
      return failure;
    };
    const cost = {
      currency: 'USD',
      total: '0.0123',
      input: '0.0100',
      cachedInput: '0',
      output: '0.0023',
      thinking: '0',
    };
    const result = await parentWith(() => {
      throw foreignFailure({ ...USAGE }, cost);
    }).agent.run('go');
    const [call] = result.steps[0]?.toolCalls ?? [];
    // Still a plain failure: its words are not read as this version's delegate's.
    expect(call?.outcome).toBe('execution-error');
    expect(call?.usage).toEqual(USAGE);
    expect(call?.cost?.total).toBe('0.0123');
    const own = result.steps.reduce((sum, step) => sum + step.usage.totalTokenCount, 0);
    expect(result.usage.totalTokenCount).toBe(own + USAGE.totalTokenCount);
    const ownCost = result.steps.reduce((sum, step) => sum + Number(step.cost.total), 0);
    expect(Number(result.cost.total)).toBeCloseTo(ownCost + 0.0123, 10);

    // A cost it cannot read: the parent's cost unknown, naming the version.
    const unread = await parentWith(() => {
      throw foreignFailure({ ...USAGE }, 12);
    }).agent.run('go');
    expect(unread.steps[0]?.toolCalls[0]?.usage).toEqual(USAGE);
    expect(unread.cost.total).toBeNull();
    expect(unread.cost.unknown).toMatch(/0\.0\.1-other/);

    // A usage that is not six plain counts: nothing counted.
    const bad = await parentWith(() => {
      throw foreignFailure({ ...USAGE, promptTokenCount: '2' }, cost);
    }).agent.run('go');
    expect(bad.steps[0]?.toolCalls[0]?.usage).toBeUndefined();
    expect(bad.cost.total).not.toBeNull();
  });

  it('of another version whose usage is not plain numbers counts nothing of it', async () => {
    for (const usage of [
      { ...USAGE, promptTokenCount: '2' },
      { ...USAGE, totalTokenCount: -5 },
      { promptTokenCount: 2 },
      'lots',
      undefined,
    ]) {
      const made = { output: { answer: 'found' }, usage, cost: undefined };
      Object.defineProperty(made, Symbol.for('gemloop.delegated'), { value: '0.0.1-other' });
      const result = await parentWith(() => made).agent.run('go');
      const [call] = result.steps[0]?.toolCalls ?? [];
      expect(call?.outcome).toBe('execution-error');
      expect(call?.usage).toBeUndefined();
      const own = result.steps.reduce((sum, step) => sum + step.usage.totalTokenCount, 0);
      expect(result.usage.totalTokenCount).toBe(own);
      expect(result.cost.total).not.toBeNull();
    }
  });
});
