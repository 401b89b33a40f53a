import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { CompactionError } from '../errors/compaction-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { compaction } from './compaction.ts';
import type { CompactionOptions } from './compaction-options.ts';

// attack59c: `onCompaction` from outside. What it returned was read with `'cancel' in decision`,
// so a string, `null`, `true` or a number ended the run with a bare TypeError ("Cannot use 'in'
// operator"), and `{ cancel: 'yes' }` or a misspelt `{ content: [...] }` was taken as "accept":
// the replacement the user gave silently dropped. And the proposal's `before` was the run's own
// history array (`after` shared its kept contents): a hook that spliced `before`, or edited a
// content of `after` in place before accepting, rewrote the history the run keeps and a chat
// store saves.

const big = defineTool({
  name: 'big',
  description: 'A big result.',
  parameters: z.object({}),
  execute: () => ({ data: 'x '.repeat(5_000) }),
});

function agentWith(onCompaction: CompactionOptions['onCompaction']) {
  const gemini = createScriptedGemini([
    callsTurn(['big', {}]),
    callsTurn(['big', {}]),
    textTurn('done'),
  ]);
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [big],
    compaction: compaction({ maxTokens: 1_000, keepRecent: 1, onCompaction }),
  });
  return { agent, gemini };
}

describe('onCompaction returning what it should not', () => {
  it.each([
    ['a string', 'cancel', /got a string/],
    ['true', true, /got a boolean/],
    ['a number', 1, /got a number/],
    ['{ cancel: "yes" }', { cancel: 'yes' }, /cancel must be true/],
    [
      'a misspelt { content }',
      { content: [] },
      /got an object with "content" \(neither cancel nor contents\)/,
    ],
    ['{ contents: "x" }', { contents: 'x' }, /contents must be an array/],
  ])(
    '%s: a CompactionError (invalid-replacement) naming it, before anything is sent',
    async (_name, decision, words) => {
      const { agent, gemini } = agentWith(() => decision as never);
      const error = await agent.run('go').catch((caught: unknown) => caught);
      expect(CompactionError.isInstance(error), String(error)).toBe(true);
      expect((error as CompactionError).reason).toBe('invalid-replacement');
      expect((error as CompactionError).message).toMatch(words);
      expect((error as CompactionError).message).toContain(
        'onCompaction must return undefined, { cancel: true } or { contents: Content[] }',
      );
      // The step whose compaction it refused was never sent.
      expect(gemini.calls.length).toBeLessThan(3);
    },
  );

  it.each([
    ['null', null],
    ['{ cancel: false }', { cancel: false }],
  ])('%s accepts the compaction, as undefined does', async (_name, decision) => {
    const { agent } = agentWith(() => decision as never);
    const result = await agent.run('go');
    expect(result.text).toBe('done');
    expect(result.compaction?.reports.length).toBeGreaterThan(0);
  });
});

describe('onCompaction changing the proposal in place', () => {
  it('a splice of before, a push onto after and an edit of a kept content leave the run’s history whole', async () => {
    const { agent, gemini } = agentWith(({ before, after }) => {
      (before as Content[]).splice(1, 1);
      (after as Content[]).push({ role: 'user', parts: [{ text: 'pushed' }] });
      const kept = after.at(-2)?.parts?.[0];
      if (kept?.functionResponse !== undefined) kept.functionResponse.response = { forged: true };
    });
    const result = await agent.run('go');
    expect(result.text).toBe('done');
    const history = JSON.stringify(result.contents);
    expect(history).not.toContain('forged');
    expect(history).not.toContain('pushed');
    // go, call, response, call, response, done: nothing spliced out.
    expect(result.contents).toHaveLength(6);
    expect(JSON.stringify(gemini.calls.map((call) => call.request.contents))).not.toContain(
      'pushed',
    );
  });
});
