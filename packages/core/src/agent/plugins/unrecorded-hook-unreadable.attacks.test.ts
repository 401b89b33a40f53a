import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { UNREADABLE_RESULT } from './hook-chains/tool-hook-results.ts';
import { PluginError } from './plugin-error.ts';

// leftovers83 (attack67c's note): a hook that is not recorded (every hook in process) returning a
// Proxy whose `then` trap throws. Awaiting a value reads its `then`; the run's race against the
// abort (`untilAborted`) read it unguarded, so the trap's own Error became the plugin's failure,
// its words (a passphrase here: only URLs and key shapes are redacted) in the run's error. Tool
// hooks read their results guarded, and attack67c made the recorded path do the same: a
// boundary hook now fails in the same words, "it returned a value that cannot be read (a getter
// or a proxy trap threw)", streamed and unary.

const SECRET = 'correct-horse-battery-staple';

/** A result whose every read throws, the secret in the trap's words. */
const unreadable = () =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error(`trap saw ${SECRET}`);
      },
    },
  );

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: () => 'found',
});

const hooks: [string, AgentPlugin][] = [
  [
    'beforeModelCall',
    definePlugin({ name: 'hostile', beforeModelCall: () => unreadable() as never }),
  ],
  [
    'afterModelCall',
    definePlugin({ name: 'hostile', afterModelCall: () => unreadable() as never }),
  ],
  ['checkAnswer', definePlugin({ name: 'hostile', checkAnswer: () => unreadable() as never })],
  ['afterAnswer', definePlugin({ name: 'hostile', afterAnswer: () => unreadable() as never })],
  ['startRun', definePlugin({ name: 'hostile', startRun: () => unreadable() as never })],
  // Not a boundary hook: its result was read guarded already (the words to match).
  ['afterToolCall', definePlugin({ name: 'hostile', afterToolCall: () => unreadable() as never })],
];

describe.each(RUN_MODES)('a hook in process returning a Proxy whose traps throw (%s)', (mode) => {
  it.each(hooks)(
    '%s: the plugin failed in the words of an unreadable result',
    async (hook, plugin) => {
      const gemini = createScriptedGemini([callsTurn(['lookup', { word: 'a' }]), textTurn('done')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [lookup],
        plugins: [plugin],
      });
      const outcome = await runBothWays(mode, agent, 'Hi').then(
        ({ result }) => ({ result }),
        (error: unknown) => ({ error }),
      );
      // A tool hook's failure is the tool's: told to the model as the call's error.
      const told = 'error' in outcome ? outcome.error : JSON.stringify(outcome.result.contents);
      const words = told instanceof Error ? `${told.message}\n${told.stack}` : String(told);
      if (hook !== 'afterToolCall') {
        expect(PluginError.isInstance(told)).toBe(true);
        expect(told).toMatchObject({ plugin: 'hostile', hook });
      }
      expect(words).toContain(UNREADABLE_RESULT);
      expect(words).not.toContain(SECRET);
    },
  );
});
