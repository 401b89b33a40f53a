import { createAgent, defineTool } from '@gemloop/core';
import { definePlugin, PluginError, type PluginRun } from '@gemloop/core/plugins';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  everything,
  KEY,
  MODEL,
  MODES,
  outcome,
  serve,
  trappedProxy,
} from './outside-attack-kit.ts';

// `run.reportCheck` and `rewriteToolError` attacked from outside (issue 53), public imports only,
// against the fake Gemini on 127.0.0.1: values that change between reads, proxies, hostile
// throws. What the events, the model and the logs get holds no key, and the run ends typed.

/** A check record whose `field` answers `first` on its first read and `later` on every other. */
function turncoat(field: string, first: unknown, later: unknown): object {
  let reads = 0;
  return Object.defineProperty(
    {
      name: 'policy',
      phase: 'output',
      verdict: 'pass',
      tripped: false,
      stepNumber: 1,
      startedAt: 1,
      endedAt: 2,
    },
    field,
    { get: () => (reads++ === 0 ? first : later), enumerable: true },
  );
}

/** An agent whose plugin reports `check` after the answer; every event the run emits, kept. */
async function reporting(check: () => object) {
  const { gemini } = await serve([turn.text('Done.')]);
  const events: string[] = [];
  const agent = createAgent({
    gemini,
    model: MODEL,
    plugins: [
      definePlugin({
        name: 'watch',
        wrapEvents: (emit) => (event) => {
          events.push(JSON.stringify(event));
          return emit(event);
        },
      }),
      definePlugin({
        name: 'hostile',
        afterAnswer: (_answer, run: PluginRun) => run.reportCheck(check() as never),
      }),
    ],
  });
  return { agent, events };
}

describe.each(MODES)('run.reportCheck with values that change between reads (%s)', (mode) => {
  it.each([
    ['verdict', 'pass', `hacked ${KEY}`],
    ['phase', 'output', `hacked ${KEY}`],
    ['name', 'policy', { toString: (): string => KEY }],
    ['tripped', false, KEY],
    ['startedAt', 1, KEY],
  ])('%s: checked once and reported as checked, the key nowhere', async (field, first, later) => {
    const { agent, events } = await reporting(() => turncoat(field, first, later));
    const { error } = await outcome(agent, mode, 'Go.');
    expect(error).toBeUndefined();
    expect(events.join('\n')).not.toContain(KEY);
    if (mode === 'stream') {
      const reported = events.map((event) => JSON.parse(event)).find((e) => e.type === 'guardrail');
      expect(reported?.[field]).toEqual(first);
    }
  });

  it('a check that is a proxy whose traps throw: the hook’s PluginError, no key', async () => {
    const { agent, events } = await reporting(trappedProxy);
    const { error } = await outcome(agent, mode, 'Go.');
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).hook).toBe('afterAnswer');
    expect(everything(error)).not.toContain(KEY);
    expect(events.join('\n')).not.toContain(KEY);
  });
});

const failing = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ q: z.string() }),
  execute: () => {
    throw new Error('the lookup service is down');
  },
});

/** Everything the logger got, as text. */
function recordingLogger() {
  const lines: string[] = [];
  const log = (fields: object, message?: string) =>
    lines.push(`${message} ${everything(fields as never)}`);
  const logger = { child: () => logger, debug: log, info: log, warn: log, error: log };
  return { logger, lines };
}

describe.each(MODES)('rewriteToolError with hostile values (%s)', (mode) => {
  it.each([
    [
      'throws an error holding the key',
      () => {
        throw new Error(`rewrite failed for ${KEY}`);
      },
    ],
    [
      'throws a 5 MB string',
      () => {
        throw `${KEY} ${'x'.repeat(5_000_000)}`;
      },
    ],
    [
      'throws a proxy whose traps throw',
      () => {
        throw trappedProxy();
      },
    ],
    ['returns a proxy whose traps throw', () => trappedProxy()],
    ['returns a String object holding the key', () => new String(KEY)],
    [
      'returns the key in a 2 MB text of stack lines',
      () => `${KEY}\n    at x (/srv/app.ts:1:1)\n`.repeat(40_000),
    ],
  ] as unknown as Array<[string, () => string]>)(
    '%s: the model gets a bounded message, no key; the logs hold no key; the run goes on',
    async (_label, rewrite) => {
      const { fake, gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('Done.')]);
      const { logger, lines } = recordingLogger();
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [failing],
        logger,
        plugins: [definePlugin({ name: 'hostile', rewriteToolError: rewrite })],
      });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error).toBeUndefined();
      expect(result?.text).toBe('Done.');
      const sent = JSON.stringify(fake.modelRequests[1]?.body);
      expect(sent).not.toContain(KEY);
      expect(sent.length).toBeLessThan(20_000);
      const logged = lines.join('\n');
      expect(logged).not.toContain(KEY);
      expect(logged.length).toBeLessThan(100_000);
    },
  );
});
