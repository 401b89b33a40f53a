import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../../tools/define/define-tool.ts';
import type { Content } from '../../../wire/content.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import { AgentAbortedError } from '../../errors/agent-aborted-error.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';

// The seam's tool hooks take a hook's result as it comes: a synchronous hook's at once (no
// promise, no microtask), a promise's or any thenable's once it settles, raced with the run's
// abort. A chain may mix both; what it decides must not depend on which a hook was.

const MODEL = 'gemini-2.5-flash';

/** The `functionResponse.response` of each answered call, in history order. */
function responses(contents: readonly Content[]): unknown[] {
  return contents.flatMap((content) =>
    content.parts.flatMap((part) =>
      part.functionResponse === undefined ? [] : [part.functionResponse.response],
    ),
  );
}

/** A thenable that is not a `Promise`: what `await` takes, and so must the seam. */
function thenable<T>(value: T): PromiseLike<T> {
  return {
    // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test hands the seam.
    then: (onFulfilled, onRejected) =>
      new Promise<T>((resolve) => setTimeout(() => resolve(value), 1)).then(
        onFulfilled,
        onRejected,
      ),
  };
}

describe.each(RUN_MODES)('a chain of synchronous and asynchronous tool hooks (%s)', (mode) => {
  it('decides, runs and answers as the seam orders it, whichever hook waits', async () => {
    const order: string[] = [];
    const seen: unknown[] = [];
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes.',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => {
        seen.push(text);
        return { text };
      },
    });
    // Before: in order (sync, async, sync); check: in order (async, sync); after: in reverse
    // order (the last plugin's first), each seeing what the one before it left.
    const first = definePlugin({
      name: 'first',
      beforeToolCall: ({ args }) => {
        order.push('before first (sync)');
        return { type: 'args', args: { text: `${String(args['text'])}+first` } };
      },
      checkToolCall: async () => {
        order.push('check first (async)');
        return undefined;
      },
      afterToolCall: ({ result }) => {
        order.push('after first (sync)');
        return { result: { ...(result as object), first: true } };
      },
    });
    const second = definePlugin({
      name: 'second',
      beforeToolCall: async ({ args }) => {
        order.push('before second (async)');
        return { type: 'args', args: { text: `${String(args['text'])}+second` } };
      },
      checkToolCall: ({ input }) => {
        order.push('check second (sync)');
        expect(input).toEqual({ text: 'hi+first+second+third' });
        return undefined;
      },
      afterToolCall: async ({ result }) => {
        order.push('after second (async)');
        return { result: { ...(result as object), second: true } };
      },
    });
    const third = definePlugin({
      name: 'third',
      beforeToolCall: ({ args }) => {
        order.push('before third (sync)');
        return { type: 'args', args: { text: `${String(args['text'])}+third` } };
      },
      // A thenable where the types say Promise: what a JavaScript plugin may hand the seam.
      afterToolCall: () =>
        thenable(undefined).then(() => {
          order.push('after third (thenable)');
          return undefined;
        }) as never,
    });
    const gemini = createScriptedGemini([
      callsTurn(['echo', { text: 'hi' }, 'c1']),
      textTurn('Done.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [echo],
      plugins: [first, second, third],
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(seen).toEqual(['hi+first+second+third']);
    expect(order).toEqual([
      'before first (sync)',
      'before second (async)',
      'before third (sync)',
      'check first (async)',
      'check second (sync)',
      'after third (thenable)',
      'after second (async)',
      'after first (sync)',
    ]);
    expect(responses(result.contents)).toEqual([
      { text: 'hi+first+second+third', second: true, first: true },
    ]);
  });

  it('waits for a hook that returns a thenable which is not a Promise', async () => {
    const deny = definePlugin({
      name: 'deny',
      checkToolCall: () => thenable({ type: 'deny' as const, message: 'Not today.' }) as never,
    });
    let ran = false;
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: z.object({}),
      execute: () => {
        ran = true;
        return 'found';
      },
    });
    const gemini = createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('Done.')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [deny] });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(ran).toBe(false);
    expect(JSON.stringify(responses(result.contents))).toContain('Not today.');
  });

  it('fails with the plugin whose decision is invalid after a hook that waited', async () => {
    const waits = definePlugin({ name: 'waits', checkToolCall: async () => undefined });
    const bogus = definePlugin({
      name: 'bogus',
      checkToolCall: () => ({ type: 'maybe' }) as never,
    });
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: z.object({}),
      execute: () => 'found',
    });
    const gemini = createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('Done.')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [waits, bogus] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as PluginError).plugin).toBe('bogus');
    expect((error as PluginError).hook).toBe('checkToolCall');
  });

  it.each([
    ['a promise', () => new Promise<never>(() => {})],
    [
      'a thenable',
      // biome-ignore lint/suspicious/noThenProperty: a thenable that never settles, on purpose.
      () => ({ then: () => {} }) as unknown as PromiseLike<never>,
    ],
  ])(
    'does not keep an aborted run waiting for a checkToolCall that returns %s and ignores the signal',
    async (_kind, never) => {
      const controller = new AbortController();
      const stuck = definePlugin({
        name: 'stuck',
        checkToolCall: () => {
          queueMicrotask(() => controller.abort(new Error('caller stopped')));
          return never() as never;
        },
      });
      const lookup = defineTool({
        name: 'lookup',
        description: 'Looks up.',
        parameters: z.object({}),
        execute: () => 'found',
      });
      const gemini = createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('Done.')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup], plugins: [stuck] });
      const error = await rejectionOf(
        runBothWays(mode, agent, 'Go.', { signal: controller.signal }),
      );
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect((error as AgentAbortedError).phase).toBe('tool-calls');
      // Every call answered: a chat can go on from the history in the error.
      const contents = (error as AgentAbortedError).run.contents;
      expect(responses(contents)).toHaveLength(1);
    },
  );
});
