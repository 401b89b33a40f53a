import { type AgentEvent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { definePlugin, PluginError } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolPolicy } from './tool-policy-plugin.ts';

// A third party's policy given at several levels, public imports only (issue 53, stage 3 of the
// guardrails): a parent's level reaches its subagents and is met first, a run's own level joins
// after the agent's, a hand-off swaps the agent's level for the receiving agent's while the
// run's own stays, and each check is a `guardrail` event, streamed and unary.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

type Mode = 'run' | 'stream';
type Agent = ReturnType<typeof createAgent>;

async function go(
  agent: Agent,
  mode: Mode,
  input: string,
  options?: Parameters<Agent['run']>[1],
): Promise<AgentEvent<unknown>[]> {
  if (mode === 'run') {
    // What a unary run's levels decided shows in what ran (its events reach only observers).
    await agent.run(input, options);
    return [];
  }
  const stream = agent.stream(input, options);
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  await stream.result;
  return events;
}

function tools(ran: string[]) {
  return ['wipe', 'drop', 'read'].map((name) =>
    defineTool({
      name,
      description: `Does ${name}.`,
      parameters: z.object({}),
      execute: () => {
        ran.push(name);
        return { done: name };
      },
    }),
  );
}

type Check = { name: string; verdict: string; toolName: string; path: readonly string[] };

function checksOf(events: readonly AgentEvent<unknown>[]): Check[] {
  return events.flatMap((event) =>
    event.type === 'guardrail'
      ? [
          {
            name: event.name,
            verdict: event.verdict,
            toolName: event.toolName ?? '',
            path: event.path,
          },
        ]
      : [],
  );
}

describe('a tool policy given at several levels (third party)', () => {
  it.each(['run', 'stream'] as const)(
    "a subagent's calls meet its parent's level first, then its own (%s)",
    async (mode) => {
      const ran: string[] = [];
      const child = await serve([
        turn.call('wipe', {}),
        turn.call('drop', {}),
        turn.call('read', {}),
        turn.text('Child done.'),
      ]);
      const worker = createAgent({
        gemini: child.gemini,
        model: 'gemini-3-flash-preview',
        tools: tools(ran),
        plugins: [toolPolicy({ name: 'child', forbid: ['drop'] })],
      });
      const parent = await serve([turn.call('worker', { task: 'Tidy up.' }), turn.text('Done.')]);
      const agent = createAgent({
        gemini: parent.gemini,
        model: 'gemini-3-flash-preview',
        tools: [subagent(worker, { name: 'worker', description: 'Works.' })],
        plugins: [toolPolicy({ name: 'tree', forbid: ['wipe', 'drop'] })],
      });
      const events = await go(agent, mode, 'Tidy up.');
      // Only `read` ran: the parent's level denied `wipe` and `drop` before the child's own.
      expect(ran).toEqual(['read']);
      if (mode === 'stream') {
        const checks = checksOf(events).map(({ name, verdict, toolName, path }) =>
          [name, verdict, toolName, path.length].join(' '),
        );
        expect(checks).toEqual([
          'tree allow worker 0',
          'tree deny wipe 1',
          'tree deny drop 1',
          'tree allow read 1',
          'child allow read 1',
        ]);
      }
    },
  );

  it.each(['run', 'stream'] as const)(
    "a run's own level joins after the agent's; the agent's stays on the agent (%s)",
    async (mode) => {
      const ran: string[] = [];
      const { gemini } = await serve([
        turn.call('read', {}),
        turn.call('wipe', {}),
        turn.text('Done.'),
      ]);
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: tools(ran),
        plugins: [toolPolicy({ name: 'agent', forbid: ['drop'] })],
      });
      const events = await go(agent, mode, 'Go.', {
        plugins: [toolPolicy({ name: 'this-run', forbid: ['wipe'] })],
      });
      expect(ran).toEqual(['read']);
      if (mode === 'stream')
        expect(checksOf(events).map(({ name, verdict }) => `${name} ${verdict}`)).toEqual([
          'agent allow',
          'this-run allow',
          'agent allow',
          'this-run deny',
        ]);
    },
  );

  it("a hand-off swaps the agent's level for the receiving agent's; the run's own stays", async () => {
    const ran: string[] = [];
    const { gemini } = await serve([
      turn.call('transfer_to_billing', {}),
      turn.call('read', {}),
      turn.call('wipe', {}),
      turn.call('drop', {}),
      turn.text('Done.'),
    ]);
    const receiving = createAgent({
      name: 'billing',
      gemini,
      model: 'gemini-3-flash-preview',
      tools: tools(ran),
      plugins: [toolPolicy({ name: 'billing', forbid: ['read'] })],
    });
    const agent = createAgent({
      name: 'front',
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [...tools(ran), handoff(receiving)],
      plugins: [toolPolicy({ name: 'front', forbid: ['drop'] })],
    });
    const stream = agent.stream('Bill me.', {
      plugins: [toolPolicy({ name: 'this-run', forbid: ['wipe'] })],
    });
    const events: AgentEvent<unknown>[] = [];
    for await (const event of stream) events.push(event);
    await stream.result;
    // After the hand-off: billing's level denies `read`, the run's own `wipe`; `front`'s level
    // left with its agent, so `drop` ran.
    expect(ran).toEqual(['drop']);
    expect(
      checksOf(events)
        .filter(({ toolName }) => toolName !== 'transfer_to_billing')
        .map(({ name, verdict, toolName }) => `${toolName}: ${name} ${verdict}`),
    ).toEqual([
      'read: billing deny',
      'wipe: billing allow',
      'wipe: this-run deny',
      'drop: billing allow',
      'drop: this-run allow',
    ]);
  });

  it('a check that is not one is the reporting hook’s PluginError, naming what is wrong', async () => {
    const { gemini } = await serve([turn.call('read', {}), turn.text('Done.')]);
    const sloppy = definePlugin({
      name: 'sloppy',
      checkToolCall(call, run) {
        run.reportCheck({
          name: '',
          phase: 'tool-input',
          stepNumber: call.stepNumber,
          verdict: 'allow',
          tripped: false,
          startedAt: 0,
          endedAt: 0,
        });
      },
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: tools([]),
      plugins: [sloppy],
    });
    const error = await agent.run('Go.').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      'run.reportCheck(): name must be a non-empty string',
    );
  });
});
