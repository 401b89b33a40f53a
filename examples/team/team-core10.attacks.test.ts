// A tenth outside pass (attack-core10) on agents made of agents: a child tree 50 deep, a child
// that outlives its parent's abort, a child whose result is tens of megabytes, a ping-pong of
// hand-offs, a hand-off to an agent on another model with no tools. Public imports only, against
// the fake Gemini on 127.0.0.1.
import { createAgent, defineTool } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { definePlugin, PluginError } from '@gemloop/core/plugins';
import { routeByAgent, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everything, MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

type Agent = ReturnType<typeof createAgent>;
const tag = (level: number) => `[level-${String(level).padStart(2, '0')}]`;

describe('a child tree 50 deep', () => {
  for (const mode of MODES) {
    it(`answers from the bottom up, every agent's usage counted once, paths 50 long (${mode})`, async () => {
      const DEPTH = 50;
      const routes = Array.from({ length: DEPTH }, (_, level) => ({
        match: tag(level),
        script:
          level === DEPTH - 1
            ? [turn.text('bottom')]
            : [turn.call('deeper', { task: `go ${level + 1}` }), turn.text(`up ${level}`)],
      }));
      const { fake, gemini } = await serve(routeByAgent(routes) as never);
      let below: Agent | undefined;
      for (let level = DEPTH - 1; level >= 0; level--) {
        below = createAgent({
          gemini,
          model: MODEL,
          name: `l${level}`,
          instructions: `You are ${tag(level)}.`,
          tools:
            below === undefined
              ? []
              : [subagent(below, { name: 'deeper', description: 'One level down.' })],
        });
      }
      const top = below as Agent;
      let deepest = 0;
      let result: Awaited<ReturnType<Agent['run']>> | undefined;
      if (mode === 'run') result = await top.run('Start.');
      else {
        const stream = top.stream('Start.');
        for await (const event of stream) deepest = Math.max(deepest, event.path.length);
        result = await stream.result;
      }
      expect(result.text).toBe('up 0');
      expect(fake.modelRequests).toHaveLength(2 * DEPTH - 1);
      expect(result.usageByAgent).toHaveLength(DEPTH);
      expect(result.usageByAgent?.at(-1)?.path).toHaveLength(DEPTH - 1);
      if (mode === 'stream') expect(deepest).toBe(DEPTH - 1);
    });
  }
});

describe('a child whose tool ignores the abort', () => {
  for (const mode of MODES) {
    it(`the parent ends on its abort at once; the child's late result sends nothing more (${mode})`, async () => {
      let release: (() => void) | undefined;
      let started: (() => void) | undefined;
      const toolStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const stubborn = defineTool({
        name: 'stubborn',
        description: 'Never stops early.',
        parameters: z.object({}),
        execute: () =>
          new Promise<string>((resolve) => {
            release = () => resolve('late');
            started?.();
          }),
      });
      const { fake, gemini } = await serve(
        routeByAgent([
          { match: '[child]', script: [turn.call('stubborn', {}), turn.text('child done')] },
          { match: '[parent]', script: [turn.call('worker', { task: 'x' }), turn.text('never')] },
        ]) as never,
      );
      const child = createAgent({
        gemini,
        model: MODEL,
        instructions: '[child]',
        tools: [stubborn],
      });
      const parent = createAgent({
        gemini,
        model: MODEL,
        instructions: '[parent]',
        tools: [subagent(child, { name: 'worker', description: 'Works.' })],
      });
      const controller = new AbortController();
      const ended = outcome(parent, mode, 'Go.', { signal: controller.signal });
      await toolStarted;
      controller.abort(new Error('user left'));
      const { result, error } = await ended;
      expect(result).toBeUndefined();
      expect(error).toBeDefined();
      const requestsAtAbort = fake.modelRequests.length;
      expect(requestsAtAbort).toBe(2);
      // The tool resolves after everything above it ended: no model call follows, nothing throws.
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      release?.();
      for (let tick = 0; tick < 20; tick++) await new Promise((resolve) => setImmediate(resolve));
      process.off('unhandledRejection', onUnhandled);
      expect(fake.modelRequests).toHaveLength(requestsAtAbort);
      expect(unhandled).toEqual([]);
    });
  }
});

describe('a child whose result is 30 MB', () => {
  for (const mode of MODES) {
    it(`the parent's next request is bounded, the run goes on (${mode})`, async () => {
      const huge = 'x'.repeat(30 * 1024 * 1024);
      const { fake, gemini } = await serve(
        routeByAgent([
          { match: '[child]', script: [turn.text('short')] },
          { match: '[parent]', script: [turn.call('worker', { task: 'x' }), turn.text('fine')] },
        ]) as never,
      );
      const child = createAgent({ gemini, model: MODEL, instructions: '[child]' });
      const parent = createAgent({
        gemini,
        model: MODEL,
        instructions: '[parent]',
        tools: [subagent(child, { name: 'worker', description: 'Works.', output: () => huge })],
      });
      const { result, error } = await outcome(parent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('fine');
      // Cut by the default tool output cap (100,000 characters), saying so to the model.
      const sent = JSON.stringify(fake.modelRequests.at(-1)?.body);
      expect(sent.length).toBeLessThan(200_000);
      expect(sent).toContain('gemloopTruncated');
    });
  }
});

describe('two agents whose plugins hand the run back and forth after every answer', () => {
  for (const mode of MODES) {
    it(`ends typed at maxHandOffs, in a bounded number of calls (${mode})`, async () => {
      const { fake, gemini } = await serve(
        Array.from({ length: 200 }, (_, index) => turn.text(`answer ${index}`)),
      );
      const agents: { ping?: Agent; pong?: Agent } = {};
      const bouncer = (to: 'ping' | 'pong') =>
        definePlugin({
          name: `bounce-to-${to}`,
          // Declared as a function: each agent is made after the plugin that hands to it.
          receivers: () => ({ [to]: agents[to] as Agent }),
          afterAnswer: () => ({ type: 'hand-off', to: agents[to] as Agent }),
        });
      agents.ping = createAgent({ gemini, model: MODEL, name: 'ping', plugins: [bouncer('pong')] });
      agents.pong = createAgent({ gemini, model: MODEL, name: 'pong', plugins: [bouncer('ping')] });
      const { error } = await outcome(agents.ping, mode, 'Go.');
      expect(PluginError.isInstance(error)).toBe(true);
      expect(everything(error)).toContain('maxHandOffs');
      expect(fake.modelRequests.length).toBeLessThanOrEqual(27);
    });
  }
});

describe('a hand-off to an agent on another model with no tools', () => {
  const cases = [
    ['gemini-2.5-flash', 'gemini-3-flash-preview', 'the default filter'],
    ['gemini-2.5-flash', 'gemini-3-flash-preview', 'a filter keeping every exchange'],
    ['gemini-3-flash-preview', 'gemini-2.5-flash', 'the default filter'],
    ['gemini-3-flash-preview', 'gemini-2.5-flash', 'a filter keeping every exchange'],
  ] as const;
  for (const [from, to, filtered] of cases) {
    for (const mode of MODES) {
      it(`${from} to ${to}, ${filtered} (${mode}): no signature of the other model, a dummy where Gemini 3 needs one, answered`, async () => {
        const lookup = defineTool({
          name: 'lookup',
          description: 'Looks up.',
          parameters: z.object({ q: z.string() }),
          execute: ({ q }) => ({ found: q }),
        });
        const { fake, gemini } = await serve(
          routeByAgent([
            { match: '[billing]', script: [turn.text('Refund issued.')] },
            {
              match: '[triage]',
              script: [turn.call('lookup', { q: 'order 7' }), turn.call('transfer_to_billing')],
            },
          ]) as never,
        );
        const billing = createAgent({
          gemini,
          model: to,
          name: 'billing',
          instructions: '[billing]',
        });
        const keepAll = filtered === 'a filter keeping every exchange';
        const triage = createAgent({
          gemini,
          model: from,
          name: 'triage',
          instructions: '[triage]',
          tools: [lookup, handoff(billing, keepAll ? { filter: (contents) => [...contents] } : {})],
        });
        const { result, error } = await outcome(triage, mode, 'Refund order 7.');
        expect(error, everything(error)).toBeUndefined();
        expect(result?.text).toBe('Refund issued.');
        expect(result?.handoffs).toEqual(['billing']);
        const last = fake.modelRequests.at(-1);
        expect(last?.url).toContain(to);
        // The receiver declares no tools, and gets none of the sender's.
        const body = last?.body as {
          contents: { role: string; parts: Record<string, unknown>[] }[];
        };
        expect(JSON.stringify(body)).not.toContain('"functionDeclarations"');
        const firstCalls = body.contents
          .filter((content) => content.role === 'model')
          .map((content) => content.parts.find((part) => part['functionCall'] !== undefined))
          .filter((part) => part !== undefined);
        expect(firstCalls).toHaveLength(keepAll ? 2 : 1);
        for (const part of firstCalls) {
          expect(part?.['thoughtSignature']).toBe(
            to.startsWith('gemini-3') ? 'skip_thought_signature_validator' : undefined,
          );
        }
        // The caller's history is the run's: what the receiver was sent.
        expect(JSON.stringify(result?.contents)).toContain(JSON.stringify(body.contents.at(-1)));
      });
    }
  }
});
