import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';

// misc64 (leftovers83's note): a hook result whose `then` getter reads fine once and throws on
// every later read. The run read `then` once, guarded (leftovers83), then resolved its own
// promises with the hook's object, and each resolution read `then` again: the trap's words (a
// passphrase here: only URLs and key shapes are redacted) became the run's error.

const SECRET = 'correct-horse-battery-staple';

/** An empty result (every hook takes `{}` as "nothing to change") whose `then` reads once. */
function thenOnce(): object {
  let reads = 0;
  return Object.defineProperty({}, 'then', {
    get() {
      reads += 1;
      if (reads > 1) throw new Error(`trap saw ${SECRET}`);
      return undefined;
    },
  });
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: () => 'found',
});

type Made = (result: () => object) => AgentPlugin;
const hooks: [string, Made][] = [
  ['startRun', (result) => definePlugin({ name: 'hostile', startRun: result as never })],
  [
    'beforeModelCall',
    (result) => definePlugin({ name: 'hostile', beforeModelCall: result as never }),
  ],
  [
    'afterModelCall',
    (result) => definePlugin({ name: 'hostile', afterModelCall: result as never }),
  ],
  ['checkAnswer', (result) => definePlugin({ name: 'hostile', checkAnswer: result as never })],
  ['afterAnswer', (result) => definePlugin({ name: 'hostile', afterAnswer: result as never })],
  ['checkInput', (result) => definePlugin({ name: 'hostile', checkInput: result as never })],
  [
    'beforeToolCall',
    (result) => definePlugin({ name: 'hostile', beforeToolCall: result as never }),
  ],
  ['afterToolCall', (result) => definePlugin({ name: 'hostile', afterToolCall: result as never })],
  ['wrapModelCall', (result) => definePlugin({ name: 'hostile', wrapModelCall: result as never })],
  ['wrapToolCall', (result) => definePlugin({ name: 'hostile', wrapToolCall: result as never })],
  ['endRun', (result) => definePlugin({ name: 'hostile', endRun: result as never })],
  [
    'wrapEvents',
    (result) =>
      definePlugin({
        name: 'hostile',
        // Not an async wrapper: its own `return` of the hook's promise would read `then` again,
        // in the plugin's code (its promise rejecting with its own words, as a throw would).
        wrapEvents: (emit) => (event) => {
          void emit(event);
          return result() as never;
        },
      }),
  ],
];

const ways: [string, (made: () => object) => () => unknown][] = [
  ['sync', (made) => () => made()],
  ['async', (made) => async () => made()],
];

describe.each(RUN_MODES)('a hook result whose `then` reads fine once, then throws (%s)', (mode) => {
  describe.each(ways)('%s hook', (_way, wrap) => {
    it.each(hooks)("%s: the trap's words never reach the run's outcome", async (_hook, make) => {
      const gemini = createScriptedGemini([callsTurn(['lookup', { word: 'a' }]), textTurn('done')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [lookup],
        plugins: [make(wrap(thenOnce) as () => object)],
      });
      const outcome = await runBothWays(mode, agent, 'Hi').then(
        ({ result }) => JSON.stringify(result.contents),
        (error: unknown) =>
          error instanceof Error
            ? `${error.message}\n${error.stack}\n${String(error.cause instanceof Error ? error.cause.message : error.cause)}`
            : String(error),
      );
      expect(outcome).not.toContain(SECRET);
    });
  });
});
