import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { mapRecorder } from '../__fixtures__/map-recorder.ts';
import { RUN_MODES, type RunMode } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent-event.ts';
import { agentTurnsOf } from '../agent-turns.ts';
import { type Agent, createAgent } from '../create-agent.ts';
import type { AgentPlugin, PluginHookName } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

// hooks65 (misc64's note): a hook result's `then` is read once, guarded, but its other fields
// (`contents`, `type`, `text`, `beside`, ...) were read where each hook family reads them,
// unguarded and sometimes twice: a getter that threw ended the run with its own Error and its
// words (a passphrase here: only URLs and key shapes are redacted), and a getter that answered
// the check one thing and the use another passed the check.

const SECRET = 'correct-horse-battery-staple';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: () => 'found',
});

/** How the attacked field's getter behaves. */
type Mode = 'throws once' | 'always throws' | 'throws on the second read';

/** `base` with `field` an accessor: its own value, except where `mode` throws. */
function hostile(base: Record<string, unknown>, field: string, mode: Mode): object {
  const { [field]: good, ...rest } = base;
  let reads = 0;
  return Object.defineProperty(rest, field, {
    enumerable: true,
    get() {
      reads += 1;
      const throws = mode === 'always throws' || (mode === 'throws once' ? reads === 1 : reads > 1);
      if (throws) throw new Error(`trap saw ${SECRET}`);
      return good;
    },
  });
}

/** `base` with `field` an accessor whose first read gives its value and every later one `later`. */
function shifting(base: Record<string, unknown>, field: string, later: unknown): object {
  const { [field]: good, ...rest } = base;
  let reads = 0;
  return Object.defineProperty(rest, field, {
    enumerable: true,
    get() {
      reads += 1;
      return reads === 1 ? good : later;
    },
  });
}

const more = [{ role: 'user', parts: [{ text: 'more' }] }];

/**
 * A hook that returns an object the run reads fields of: what a well-behaved one returns
 * (`base`, from the hook's first argument), its fields to attack, and a value each would lie
 * with on a later read (`later`) that the run would refuse or act on differently.
 */
type Spec = {
  readonly name: string;
  readonly hook: PluginHookName;
  readonly base: (argument: never) => Record<string, unknown>;
  readonly fields: readonly string[];
  readonly later: Readonly<Record<string, unknown>>;
};

const specs: Spec[] = [
  {
    name: 'beforeModelCall { contents }',
    hook: 'beforeModelCall',
    base: (draft: { contents: unknown }) => ({ contents: draft.contents }),
    fields: ['contents', 'type'],
    later: { contents: 'no list', type: 'finish' },
  },
  {
    name: 'beforeModelCall finish',
    hook: 'beforeModelCall',
    base: () => ({ type: 'finish', reason: 'enough' }),
    fields: ['type', 'reason'],
    later: { type: 'other', reason: 7 },
  },
  {
    name: 'checkInput { contents }',
    hook: 'checkInput',
    base: (draft: { contents: unknown }) => ({ contents: draft.contents }),
    fields: ['contents', 'beside'],
    later: { contents: 'no list', beside: Promise.resolve(more) },
  },
  {
    name: 'checkInput { beside }',
    hook: 'checkInput',
    base: () => ({ beside: Promise.resolve(undefined) }),
    fields: ['beside', 'contents'],
    later: { beside: 'no promise', contents: 'no list' },
  },
  {
    name: 'checkAnswer { text, output }',
    hook: 'checkAnswer',
    base: (answer: { text: string }) => ({ text: `${answer.text}!`, output: undefined }),
    fields: ['text', 'by', 'output'],
    later: { text: 7, by: '', output: 'other' },
  },
  {
    name: 'afterAnswer finish',
    hook: 'afterAnswer',
    base: () => ({ type: 'finish', reason: 'enough' }),
    fields: ['type', 'reason'],
    later: { type: 'bogus', reason: 7 },
  },
  {
    name: 'afterAnswer run-again',
    hook: 'afterAnswer',
    base: () => ({ type: 'run-again', contents: more }),
    fields: ['type', 'contents'],
    later: { type: 'bogus', contents: 'no list' },
  },
  // Read once, guarded, already (`fieldsOf`): controls.
  {
    name: 'beforeToolCall args',
    hook: 'beforeToolCall',
    base: (draft: { args: unknown }) => ({ type: 'args', args: draft.args }),
    fields: ['type', 'args'],
    later: { type: 'deny', args: 'no args' },
  },
];

/** A plugin whose `hook` returns `result(argument)` the first time it is called, then nothing. */
function pluginOf(
  hook: PluginHookName,
  result: (argument: never) => object,
  async: boolean,
  recorded = false,
): AgentPlugin {
  let called = false;
  const body = (argument: never): unknown => {
    if (called) return undefined;
    called = true;
    return result(argument);
  };
  return definePlugin({
    name: 'hostile',
    ...(recorded && { recorded: [hook] }),
    [hook]: async ? async (argument: never) => body(argument) : body,
  } as never);
}

function agentWith(plugin: AgentPlugin): Agent {
  // A tool call, then an answer, then one more (an `afterAnswer` run-again is answered).
  const gemini = createScriptedGemini([
    callsTurn(['lookup', { word: 'a' }]),
    textTurn('done'),
    textTurn('done again'),
  ]);
  return createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup], plugins: [plugin] });
}

/** The run's outcome, its events (a stream's) kept even when it fails. */
async function outcomeOf(
  mode: RunMode,
  agent: Agent,
): Promise<{ ok: true; text: string } | { ok: false; error: unknown; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  try {
    if (mode === 'run') return { ok: true, text: (await agent.run('Hi')).text };
    const stream = agent.stream('Hi');
    for await (const event of stream) events.push(event as AgentEvent);
    const result = await stream.result;
    const text = result.text;
    expect(JSON.stringify(events)).not.toContain(SECRET);
    return { ok: true, text };
  } catch (error) {
    return { ok: false, error, events };
  }
}

/** Every message of `error`'s cause chain, and its stack. */
function wordsOf(error: unknown): string {
  const words: string[] = [];
  let at: unknown = error;
  for (let depth = 0; depth < 10 && at !== undefined && at !== null; depth++) {
    words.push(at instanceof Error ? `${at.message}\n${at.stack}` : String(at));
    at = at instanceof Error ? at.cause : undefined;
  }
  return words.join('\n');
}

const ways: [string, boolean][] = [
  ['sync', false],
  ['async', true],
];

const modes: Mode[] = ['throws once', 'always throws', 'throws on the second read'];

describe.each(RUN_MODES)('a hook result field read once, guarded (%s)', (mode) => {
  describe.each(ways)('%s hook', (_way, async) => {
    for (const spec of specs) {
      for (const field of spec.fields) {
        it.each(modes)(
          `${spec.name}, \`${field}\` %s: the plugin's failure, never the getter's words`,
          async (how) => {
            const plugin = pluginOf(
              spec.hook,
              (argument) => hostile(spec.base(argument), field, how),
              async,
            );
            const outcome = await outcomeOf(mode, agentWith(plugin));
            if (how === 'throws on the second read') {
              // Read once: the second read never comes.
              expect(outcome).toMatchObject({ ok: true });
              return;
            }
            expect(outcome.ok).toBe(false);
            if (outcome.ok) return;
            const { error, events } = outcome;
            expect(PluginError.isInstance(error)).toBe(true);
            expect(error).toMatchObject({ plugin: 'hostile', hook: spec.hook });
            expect((error as Error).message).toContain('cannot be read');
            expect(wordsOf(error)).not.toContain(SECRET);
            expect(JSON.stringify(events)).not.toContain(SECRET);
          },
        );

        it(`${spec.name}, \`${field}\` that changes after its first read: the run keeps the first`, async () => {
          const plugin = pluginOf(
            spec.hook,
            (argument) => shifting(spec.base(argument), field, spec.later[field]),
            async,
          );
          const outcome = await outcomeOf(mode, agentWith(plugin));
          expect(outcome).toMatchObject({ ok: true });
        });
      }
    }
  });
});

// A durable runner's recorder (a map that keeps JSON, as @gemloop/dbos's does): the record's
// body reads the result (its JSON, `beside`) and the family reads the record's value.
describe('a recorded hook result field read once, guarded', () => {
  for (const spec of specs) {
    for (const field of spec.fields) {
      it.each(modes.slice(0, 2))(
        `${spec.name}, \`${field}\` %s: the plugin's failure, never the getter's words`,
        async (how) => {
          const plugin = pluginOf(
            spec.hook,
            (argument) => hostile(spec.base(argument), field, how),
            false,
            true,
          );
          const stream = agentTurnsOf(agentWith(plugin)).stream(
            'Hi',
            {},
            undefined,
            undefined,
            mapRecorder().record,
          );
          const events: AgentEvent[] = [];
          const error = await (async () => {
            for await (const event of stream) events.push(event as AgentEvent);
            await stream.result;
          })().then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(PluginError.isInstance(error)).toBe(true);
          expect(error).toMatchObject({ plugin: 'hostile', hook: spec.hook });
          expect(wordsOf(error)).not.toContain(SECRET);
          expect(JSON.stringify(events)).not.toContain(SECRET);
        },
      );
    }
  }
});
