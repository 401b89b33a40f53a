import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { handoff } from '../composition/handoff.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { compaction } from './compaction.ts';
import { COMPACTION_PLUGIN } from './compaction-plugin.ts';

// The compaction's history half is a plugin (issue 53): `compaction()` makes the plugin whose
// beforeModelCall compacts; the run holds it first among its plugins, so the others see the
// compacted history, and a handoff swaps it for the receiving agent's scope.

const MODEL = 'gemini-2.5-flash';
/** About 1,200 estimated tokens a page. */
const FILLER = 'lorem ipsum dolor '.repeat(400);

const page = defineTool({
  name: 'read_page',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n, text: `PAGE-${n} ${FILLER}` }),
});

const reads = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    callsTurn(['read_page', { n: index + 1 }, `p${index + 1}`]),
  );

const sizeOf = (contents: readonly Content[]): number => JSON.stringify(contents).length;

describe('compaction as a plugin', () => {
  it('is a plugin named gemloop.compaction with a beforeModelCall, made for the agent holding the run', () => {
    const value = compaction({ maxTokens: 5_000 });
    expect(value.kind).toBe('compaction');
    const plugin = value.plugin({
      model: MODEL,
      inputTokenLimit: 1_000_000,
      tools: new Map(),
      logger: { child: () => ({}) } as never,
    });
    expect(plugin.name).toBe(COMPACTION_PLUGIN);
    expect(typeof plugin.beforeModelCall).toBe('function');
    // Nothing recorded by a durable runner: the summary is a model call the durable client records.
    expect(plugin.recorded).toBeUndefined();
    // No threshold it can know: refused when the plugin is made for such a model.
    expect(() =>
      compaction({ summarize: true }).plugin({
        model: 'my-gateway-alias',
        inputTokenLimit: undefined,
        tools: new Map(),
        logger: {} as never,
      }),
    ).toThrow(/compaction\.maxTokens/);
  });

  for (const streaming of [false, true]) {
    it(`gives the plugins after it the compacted history, and the call sends what they saw (${streaming ? 'stream' : 'run'})`, async () => {
      const gemini = createScriptedGemini([...reads(5), textTurn('Done.')]);
      const seen: { stepNumber: number; contents: readonly Content[]; history: number }[] = [];
      const watcher = definePlugin({
        name: 'watcher',
        beforeModelCall: (call, run) => {
          seen.push({
            stepNumber: call.stepNumber,
            contents: structuredClone(call.contents) as Content[],
            history: run.contents.length,
          });
        },
      });
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [page],
        maxSteps: 10,
        compaction: compaction({ maxTokens: 2_500, keepRecent: 2 }),
        plugins: [watcher],
      });
      const events: AgentEvent[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (streaming) {
        const stream = agent.stream('Read the pages.');
        for await (const event of stream) events.push(event);
        result = await stream.result;
      } else {
        result = await agent.run('Read the pages.');
      }
      expect(result.text).toBe('Done.');
      const compactedSteps = (result.compaction?.reports ?? []).map((report) => report.stepNumber);
      expect(compactedSteps.length).toBeGreaterThan(0);
      for (const step of compactedSteps) {
        const draft = seen.find((entry) => entry.stepNumber === step);
        // The draft the plugin saw is the compacted history, not the whole one...
        expect(draft?.contents).toEqual(gemini.contentsOf(step - 1));
        expect(sizeOf(draft?.contents ?? [])).toBeLessThan(
          sizeOf(result.contents.slice(0, draft?.history ?? 0)),
        );
      }
      // ...and the whole history stays the run's.
      expect(JSON.stringify(result.contents)).toContain('PAGE-1 lorem');
      if (streaming)
        expect(
          events.filter((event) => event.type === 'compaction').map((event) => event.stepNumber),
        ).toEqual(compactedSteps);
    });
  }

  it('leaves the run at a handoff to an agent without compaction', async () => {
    const billingGemini = createScriptedGemini([...reads(4), textTurn('Refund issued.')]);
    const billing = createAgent({
      gemini: billingGemini,
      model: MODEL,
      name: 'billing',
      tools: [page],
      maxSteps: 10,
    });
    const triage = createAgent({
      gemini: createScriptedGemini([...reads(4), callsTurn(['transfer_to_billing', {}, 't1'])]),
      model: MODEL,
      name: 'triage',
      tools: [page, handoff(billing)],
      maxSteps: 10,
      compaction: compaction({ maxTokens: 2_500, keepRecent: 2 }),
    });
    const result = await triage.run('I want a refund.');
    expect(result.text).toBe('Refund issued.');
    const reports = result.compaction?.reports ?? [];
    expect(reports.length).toBeGreaterThan(0);
    // Triage's five steps compacted; billing's (steps 6 on) did not, however long its history.
    expect(reports.every((report) => report.stepNumber <= 5)).toBe(true);
    const last = billingGemini.contentsOf(billingGemini.calls.length - 1);
    expect(JSON.stringify(last)).toContain('PAGE-1 lorem');
  });

  // The receiving agent's compaction comes first among the run's plugins at the handoff (its own
  // plugins and the run's own after it), so each of them sees the draft it compacted.
  for (const streaming of [false, true]) {
    it(`puts the receiving agent's compaction first at a handoff: its plugins and the run's see the compacted draft (${streaming ? 'stream' : 'run'})`, async () => {
      const seen: { plugin: string; stepNumber: number; contents: readonly Content[] }[] = [];
      const watcher = (name: string) =>
        definePlugin({
          name,
          beforeModelCall: (call) => {
            seen.push({
              plugin: name,
              stepNumber: call.stepNumber,
              contents: structuredClone(call.contents) as Content[],
            });
          },
        });
      const billingGemini = createScriptedGemini([...reads(5), textTurn('Refund issued.')]);
      const billing = createAgent({
        gemini: billingGemini,
        model: MODEL,
        name: 'billing',
        tools: [page],
        maxSteps: 10,
        compaction: compaction({ maxTokens: 2_500, keepRecent: 2 }),
        plugins: [watcher('billing-watcher')],
      });
      const triage = createAgent({
        gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]),
        model: MODEL,
        name: 'triage',
        tools: [handoff(billing)],
      });
      const options = { plugins: [watcher('run-watcher')] };
      let result: Awaited<ReturnType<typeof triage.run>>;
      if (streaming) {
        const stream = triage.stream('I want a refund.', options);
        for await (const _event of stream);
        result = await stream.result;
      } else {
        result = await triage.run('I want a refund.', options);
      }
      expect(result.text).toBe('Refund issued.');
      const compactedSteps = (result.compaction?.reports ?? []).map((report) => report.stepNumber);
      // Billing's steps (2 on) compacted with its own compaction; triage has none.
      expect(compactedSteps.length).toBeGreaterThan(0);
      expect(compactedSteps.every((step) => step >= 2)).toBe(true);
      for (const step of compactedSteps) {
        // Billing's model saw its first call at step 2.
        const sent = billingGemini.contentsOf(step - 2);
        for (const plugin of ['billing-watcher', 'run-watcher']) {
          const draft = seen.find((entry) => entry.plugin === plugin && entry.stepNumber === step);
          expect(draft?.contents).toEqual(sent);
        }
      }
      // The compacted draft is not the whole history, which stays the run's.
      expect(
        JSON.stringify(billingGemini.contentsOf(billingGemini.calls.length - 1)),
      ).not.toContain('PAGE-1 lorem');
      expect(JSON.stringify(result.contents)).toContain('PAGE-1 lorem');
    });
  }

  it("uses a run's own compaction over the agent's, made for the agent holding the run", async () => {
    const gemini = createScriptedGemini([
      ...reads(5),
      textTurn('Done.'),
      ...reads(5),
      textTurn('Done.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [page],
      maxSteps: 10,
      // Never reached: the run's own compaction is the one that acts.
      compaction: compaction({ maxTokens: 10_000_000 }),
    });
    const result = await agent.run('Read the pages.', {
      compaction: compaction({ maxTokens: 2_500, keepRecent: 2 }),
    });
    expect((result.compaction?.reports ?? []).length).toBeGreaterThan(0);
    const untouched = await agent.run('Read the pages.', {});
    expect(untouched.compaction).toBeUndefined();
  });
});
