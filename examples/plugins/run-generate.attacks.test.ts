import { createAgent } from '@gemloop/core';
import { compaction } from '@gemloop/core/compaction';
import { definePlugin, PluginError, type PluginRun } from '@gemloop/core/plugins';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { everything, KEY, lookup, MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

// `run.generate()` (a plugin's model call on the side of the run) attacked from outside (issue
// 53), public imports only, against the fake Gemini on 127.0.0.1: many at once, after the run
// ended, with the run aborted, with contents the API refuses, once the tree budget is spent.

/** A turn whose usage is known, so what a run counts can be checked to the token. */
const counted = (text: string, totalTokenCount: number) =>
  turn.text(text, {
    usage: { promptTokenCount: totalTokenCount - 1, candidatesTokenCount: 1, totalTokenCount },
  });

describe.each(MODES)('run.generate attacked (%s)', (mode) => {
  it('100 calls at once from a tool hook: each counted in the run’s usage, once', async () => {
    const { fake, gemini } = await serve((request) =>
      request.body.contents.at(-1)?.parts?.[0]?.text === 'side'
        ? counted('side answer', 7)
        : request.body.contents.length === 1
          ? turn.call(
              'lookup',
              { q: 'a' },
              { usage: { promptTokenCount: 9, candidatesTokenCount: 1, totalTokenCount: 10 } },
            )
          : counted('Done.', 10),
    );
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookup],
      plugins: [
        definePlugin({
          name: 'side',
          async afterToolCall(_result, run) {
            const answers = await Promise.all(
              Array.from({ length: 100 }, () => run.generate({ contents: 'side' })),
            );
            expect(answers.every((answer) => answer.text === 'side answer')).toBe(true);
          },
        }),
      ],
    });
    const { result, error } = await outcome(agent, mode, 'Go.');
    expect(error).toBeUndefined();
    expect(fake.modelRequests).toHaveLength(102);
    expect(result?.usage.totalTokenCount).toBe(10 + 10 + 100 * 7);
  });

  it('after the run ended: refused, and nothing reaches the model', async () => {
    const { fake, gemini } = await serve(() => counted('x', 3));
    let kept: PluginRun | undefined;
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'leaky',
          startRun(run) {
            kept = run as PluginRun;
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(error).toBeUndefined();
    const before = fake.modelRequests.length;
    await expect(kept?.generate({ contents: 'late' })).rejects.toThrow(/ended|finished|over/i);
    expect(fake.modelRequests).toHaveLength(before);
  });

  it('a view kept past the run cannot add to its history either: refused, the result unchanged', async () => {
    const { gemini } = await serve(() => counted('x', 3));
    let kept: PluginRun | undefined;
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'leaky',
          startRun(run) {
            kept = run as PluginRun;
          },
        }),
      ],
    });
    const { result } = await outcome(agent, mode, 'Go.');
    const length = result?.contents.length;
    await expect(kept?.addInput([{ role: 'user', parts: [{ text: 'late' }] }])).rejects.toThrow(
      /after its run ended/,
    );
    expect(result?.contents).toHaveLength(length ?? -1);
  });

  it('with the run already aborted: rejects with the abort, nothing sent', async () => {
    const { fake, gemini } = await serve(() => counted('x', 3));
    const controller = new AbortController();
    let sideError: unknown;
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'side',
          async beforeModelCall(_call, run) {
            controller.abort(new Error('user left'));
            await run.generate({ contents: 'side' }).catch((error: unknown) => {
              sideError = error;
            });
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.', { signal: controller.signal });
    expect((error as { code?: string }).code).toBe('agent-aborted');
    expect(sideError).toBeDefined();
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('contents the API refuses: the PluginError, its cause the API’s typed error, no key', async () => {
    const { gemini } = await serve(() => counted('x', 3));
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'side',
          async beforeModelCall(_call, run) {
            await run.generate({ contents: [{ role: 'model', parts: [] }] as never });
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.');
    expect(PluginError.isInstance(error)).toBe(true);
    expect(everything(error)).not.toContain(KEY);
  });

  it('once the tree budget is spent: refused before it is sent (TreeBudgetError)', async () => {
    const { fake, gemini } = await serve(() => counted('answer', 50));
    let sideError: unknown;
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'side',
          async afterAnswer(_answer, run) {
            // The step spent 50 of 40 tokens: the tree may not call the model again.
            await run.generate({ contents: 'summarize' }).catch((error: unknown) => {
              sideError = error;
            });
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.', { budget: { maxTokens: 40 } });
    expect(error).toBeUndefined();
    expect(fake.modelRequests).toHaveLength(1);
    expect((sideError as { code?: string })?.code).toBe('tree-budget');
  });

  it('compaction’s summary once the tree budget is spent: not sent, the run ends TreeBudgetError', async () => {
    const { fake, gemini } = await serve((request) =>
      request.body.contents.length < 6
        ? turn.call('lookup', { q: 'x'.repeat(400) }, { usage: { totalTokenCount: 30 } })
        : counted('Done.', 10),
    );
    // Everything the run reports besides its end: its warnings and its events.
    const reported: string[] = [];
    const logger = {
      child: () => logger,
      debug() {},
      info() {},
      warn: (fields: object, message?: string) =>
        reported.push(`${message} ${everything((fields as { err?: unknown }).err)}`),
      error: (fields: object, message?: string) =>
        reported.push(`${message} ${everything((fields as { err?: unknown }).err)}`),
    };
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [lookup],
      logger,
      compaction: compaction({ maxTokens: 200, keepRecent: 1, summarize: true }),
      plugins: [
        definePlugin({
          name: 'events',
          wrapEvents: (emit) => (event) => {
            reported.push(JSON.stringify(event));
            return emit(event);
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.', { budget: { maxTokens: 50 } });
    expect((error as { code?: string })?.code).toBe('tree-budget');
    // The budget's error is the run's only verdict: no summary failure reported before it.
    // (A stream's events are seen; a unary run emits none, only its logs are.)
    if (mode === 'stream') expect(reported.length).toBeGreaterThan(0);
    expect(reported.join('\n')).not.toMatch(/summarizer-failed|summary failed|summarizer \(/);
    // No summary request (its system instruction is the summarizer's prompt) went out.
    const summaries = fake.modelRequests.filter(
      (request) =>
        (request.body as { systemInstruction?: unknown }).systemInstruction !== undefined,
    );
    expect(summaries).toEqual([]);
  });

  it('a spent budget thrown through a plugin that claims every error: still the TreeBudgetError', async () => {
    const { fake, gemini } = await serve(() => counted('answer', 50));
    class MyError extends Error {}
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'greedy',
          ownErrors: () => true,
          async afterAnswer(_answer, run) {
            await run.generate({ contents: 'summarize' });
            throw new MyError('never reached');
          },
        }),
      ],
    });
    const { error } = await outcome(agent, mode, 'Go.', { budget: { maxTokens: 40 } });
    expect((error as { code?: string })?.code).toBe('tree-budget');
    expect(error).not.toBeInstanceOf(MyError);
    expect(fake.modelRequests).toHaveLength(1);
  });
});
