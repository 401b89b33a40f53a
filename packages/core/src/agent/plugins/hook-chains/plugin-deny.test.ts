import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../../../http/create-gemini.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { RUN_MODES, runBothWays } from '../../__fixtures__/run-both-ways.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';

// A plugin's deny message is the call's answer: it joins the history (every later request sends
// it) and the events. It is bounded and redacted as a tool's error message and a hook's error
// are: the client's key removed, cut between characters at 1,000.

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an order up.',
  parameters: z.object({ order: z.string() }),
  execute: () => {
    throw new Error('a denied call never runs');
  },
});

// 999 characters, then an emoji across the 1,000th (a cut there would leave half of it), the
// client's key, and a long tail.
const LONG = `${'a'.repeat(999)}😀 test-key ${'b'.repeat(20_000)}`;

async function denied(mode: (typeof RUN_MODES)[number], plugin: AgentPlugin) {
  const fake = createFakeGemini({
    script: [turn.call('lookup', { order: '7' }), turn.text('Could not look it up.')],
  });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [lookup],
    plugins: [plugin],
  });
  const { result, events } = await runBothWays(mode, agent, 'Where is order 7?');
  const answer = JSON.stringify(result.contents[2]?.parts[0]?.functionResponse?.response);
  return { result, events, answer, sent: JSON.stringify(fake.requests.at(-1)) };
}

describe.each(RUN_MODES)("a plugin's deny message (%s)", (mode) => {
  it.each([
    [
      'beforeToolCall',
      definePlugin({ name: 'gate', beforeToolCall: () => ({ type: 'deny', message: LONG }) }),
    ],
    [
      'checkToolCall',
      definePlugin({ name: 'gate', checkToolCall: () => ({ type: 'deny', message: LONG }) }),
    ],
  ])(
    'from %s is cut at 1,000 characters, between characters, the key redacted',
    async (_, plugin) => {
      const { result, events, answer, sent } = await denied(mode, plugin);
      expect(result.text).toBe('Could not look it up.');
      expect(answer).toContain('a'.repeat(999));
      expect(answer).toContain('characters omitted');
      expect(answer).not.toContain('b'.repeat(100));
      expect(answer.length).toBeLessThan(1_200);
      // No half of the emoji: the cut falls before it.
      expect(answer).not.toMatch(/\\ud83d(?!\\ude00)/);
      expect(sent).not.toContain('b'.repeat(100));
      for (const text of [answer, sent, JSON.stringify(events)])
        expect(text).not.toContain('test-key');
    },
  );

  it('keeps a short message as it is', async () => {
    const { answer } = await denied(
      mode,
      definePlugin({
        name: 'gate',
        beforeToolCall: () => ({ type: 'deny', message: 'Orders are closed today.' }),
      }),
    );
    expect(answer).toContain('Orders are closed today.');
    expect(answer).not.toContain('omitted');
  });
});
