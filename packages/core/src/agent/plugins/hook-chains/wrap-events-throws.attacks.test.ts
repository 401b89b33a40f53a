import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../../../http/create-gemini.ts';
import type { AgentResult } from '../../../run/agent-result.ts';
import type { RunObserver } from '../../../telemetry/run-observer.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { AgentEvent } from '../../agent-event.ts';
import { createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';
import { NOT_AN_ERROR, PluginError, UNREADABLE } from '../plugin-error.ts';

// The function a plugin's `wrapEvents` returns is a hook too: what it throws (or its promise
// rejects with) ended a stream as the raw thrown value: the caller's `for await` got a string
// holding the client's key, `null`, a revoked Proxy (whose every read throws), an Error holding
// the key; never a PluginError naming the plugin and the hook, and the run's observers were
// told the same raw value (run68). Now each is the hook's PluginError, worded as any hook's is,
// but a rejection at `run-end`, which nothing waits on: it is dropped, the run over.

const KEY = 'AIzaSyWrapEvents-run68-0123456789abc';

let lookups = 0;
const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({}),
  execute: () => {
    lookups++;
    return { found: true };
  },
});

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** What a wrapper throws, and the detail its PluginError says for it. */
const THROWN: [string, () => unknown, string][] = [
  ['a string holding the key', () => `denied for ${KEY}`, 'denied for [redacted]'],
  ['null', () => null, NOT_AN_ERROR],
  ['a revoked Proxy', revokedProxy, UNREADABLE],
  ['an Error holding the key', () => new Error(`no ${KEY}`), 'no [redacted]'],
];

/** A plugin whose event wrapper fails on the first event of `type` (throwing, or rejecting). */
function failingWrapper(type: AgentEvent['type'], thrown: () => unknown, rejects: boolean) {
  return definePlugin({
    name: 'wrapper',
    wrapEvents: (emit) => (event) => {
      if (event.type !== type) return emit(event);
      if (rejects) return Promise.reject(thrown());
      throw thrown();
    },
  });
}

/** Runs the agent streamed, or unary with an observer (the wrapper then wraps its events too). */
async function failure(
  streamed: boolean,
  type: AgentEvent['type'],
  thrown: () => unknown,
  rejects: boolean,
) {
  const fake = createFakeGemini({ script: [turn.call('lookup', {}), turn.text('Done.')] });
  lookups = 0;
  const ended: unknown[] = [];
  const observer: RunObserver = {
    startRun: () => ({
      modelCall: () => ({ end: () => {} }) as never,
      toolCall: () => ({ end: () => {} }) as never,
      stepEnd: () => {},
      // Reads the run's events: a unary run's events then go through the wrapper too.
      event: () => {},
      end: (outcome) => {
        ended.push('error' in outcome ? outcome.error : (outcome.result as AgentResult).text);
      },
    }),
  };
  const agent = createAgent({
    gemini: createGemini({ apiKey: KEY, fetch: fake.fetch, retry: false }),
    model: 'gemini-2.5-flash',
    tools: [lookup],
    plugins: [failingWrapper(type, thrown, rejects)],
    telemetry: false,
    recorder: observer,
  });
  let error: unknown;
  try {
    if (streamed) {
      const stream = agent.stream('Go.');
      for await (const _event of stream) {
        // Drained.
      }
      await stream.result;
    } else await agent.run('Go.');
  } catch (caught) {
    error = caught;
  }
  return { error, ended, lookups };
}

/** The events a wrapper fails on: the run's first, a call's, its result, a step's end, the last. */
const EVENTS = ['step-start', 'tool-call', 'tool-result', 'step-end', 'run-end'] as const;

describe.each([
  ['streamed', true],
  ['unary, observed', false],
] as const)("a plugin's event wrapper that fails (%s)", (_mode, streamed) => {
  it.each(
    THROWN.flatMap(([name, thrown, detail]) =>
      EVENTS.flatMap((type) =>
        [false, true].map((rejects) => [name, type, rejects, thrown, detail] as const),
      ),
    ),
  )(
    '%s on %s (rejects: %s): the PluginError of wrapEvents, the key kept out',
    async (_name, type, rejects, thrown, detail) => {
      const { error, ended, lookups } = await failure(streamed, type, thrown, rejects);
      if (type === 'run-end' && rejects) {
        // Nothing waits on the last event (a unary run waits on none): a rejection there comes
        // after the run's last check and is dropped, the run answered (no unhandled rejection).
        expect(error).toBeUndefined();
        expect(ended).toEqual(['Done.']);
        return;
      }
      expect(PluginError.isInstance(error), String(typeof error)).toBe(true);
      const plugin = error as PluginError;
      expect(plugin.plugin).toBe('wrapper');
      expect(plugin.hook).toBe('wrapEvents');
      expect(plugin.detail).toBe(detail);
      expect(`${plugin.message} ${String(plugin.stack)}`).not.toContain(KEY);
      // The run's history stays one a chat can go on from: each call answered.
      const parts = (plugin.run?.contents ?? []).flatMap((content) => content.parts);
      expect(parts.filter((part) => part.functionResponse).length).toBe(
        parts.filter((part) => part.functionCall).length,
      );
      // The observers were told the same failure.
      expect(ended).toEqual([error]);
      // A failure during the model call ends the run before its calls run; one at a call's
      // event once the turn's calls are answered.
      expect(lookups).toBe(type === 'step-start' ? 0 : 1);
    },
  );
});

describe("a plugin's event wrapper that fails on the model's streamed text", () => {
  it.each(
    THROWN.flatMap(([name, thrown, detail]) =>
      [false, true].map((rejects) => [name, rejects, thrown, detail] as const),
    ),
  )(
    '%s (rejects: %s): the PluginError of wrapEvents, no call run',
    async (_name, rejects, thrown, detail) => {
      const { error, lookups } = await failure(true, 'text-delta', thrown, rejects);
      expect(PluginError.isInstance(error)).toBe(true);
      expect((error as PluginError).hook).toBe('wrapEvents');
      expect((error as PluginError).detail).toBe(detail);
      // The first step's call ran; the step whose text failed made none.
      expect(lookups).toBe(1);
    },
  );
});
