// A tenth outside pass on the seam (attack-core10): legal but odd plugins a third party writes. Two
// plugins of one name (in one list, at the agent and the run, a built-in's name), a wrapToolCall
// answering with executions no tool gives (a timeout of NaN, an error that is the key, an abort
// that did not happen), a beforeModelCall sending 100,000 parts. Public imports only, against the
// fake Gemini on 127.0.0.1.
import { createAgent, InvalidArgumentError } from '@gemloop/core';
import { compaction } from '@gemloop/core/compaction';
import { definePlugin, PluginError, type ToolExecution } from '@gemloop/core/plugins';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { everything, KEY, lookup, MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

describe('two plugins of one name', () => {
  const counter = (calls: string[], label: string) =>
    definePlugin({
      name: 'audit',
      beforeModelCall: () => {
        calls.push(label);
      },
    });
  it('in one list: refused by createAgent, naming the name', async () => {
    const { gemini } = await serve([turn.text('ok')]);
    const calls: string[] = [];
    expect(() =>
      createAgent({
        gemini,
        model: MODEL,
        plugins: [counter(calls, 'a'), counter(calls, 'b')],
      }),
    ).toThrow(/audit/);
  });
  for (const mode of MODES) {
    it(`one at the agent, one given to the run (${mode}): refused before a request, naming the name and both places`, async () => {
      const { fake, gemini } = await serve([turn.text('ok')]);
      const calls: string[] = [];
      const agent = createAgent({ gemini, model: MODEL, plugins: [counter(calls, 'agent')] });
      const { error } = await outcome(agent, mode, 'Go.', {
        plugins: [counter(calls, 'run')],
      });
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      const message = String((error as Error).message);
      expect(message).toContain('"audit"');
      // The run's plugins are the levels joined: the message names each where the caller wrote
      // it, not by an index in the joined list.
      expect(message).toContain(
        `two plugins are named "audit": createAgent's plugins[0] and options.plugins[0]`,
      );
      expect(fake.modelRequests).toHaveLength(0);
      expect(calls).toEqual([]);
    });
  }
  it('a third party’s plugin named like a built-in (gemloop.compaction) beside the compaction option: refused before a request, naming it', async () => {
    const { fake, gemini } = await serve([turn.text('ok')]);
    const calls: string[] = [];
    const agent = createAgent({
      gemini,
      model: MODEL,
      compaction: compaction({ maxTokens: 1_000_000 }),
      plugins: [
        definePlugin({
          name: 'gemloop.compaction',
          beforeModelCall: () => {
            calls.push('mine');
          },
        }),
      ],
    });
    const { error } = await outcome(agent, 'run', 'Go.');
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain('"gemloop.compaction"');
    expect(String((error as Error).message)).toContain(
      '"gemloop.compaction": the plugin the compaction option adds and createAgent\'s plugins[0]',
    );
    expect(fake.modelRequests).toHaveLength(0);
    expect(calls).toEqual([]);
  });
});

/** Executions no tool gives, each with what the model must never read. */
const ODD_EXECUTIONS: Array<[string, ToolExecution]> = [
  ['a timeout of NaN ms', { type: 'timeout', timeoutMs: Number.NaN }],
  ['a timeout of 1e308 ms', { type: 'timeout', timeoutMs: 1e308 }],
  ['a timeout given as text', { type: 'timeout', timeoutMs: `soon ${KEY}` as never }],
  ['an error that is a string with the key', { type: 'error', error: `failed for ${KEY}` }],
  ['an error that is a symbol', { type: 'error', error: Symbol(KEY) }],
  [
    'an error whose message getter throws',
    {
      type: 'error',
      error: Object.defineProperty(new Error('x'), 'message', {
        get() {
          throw new Error(`getter ${KEY}`);
        },
      }),
    },
  ],
  ['an abort that did not happen', { type: 'aborted' }],
  ['a type no execution has', { type: 'retry' } as never],
];

describe('a wrapToolCall answering with an execution no tool gives', () => {
  for (const [label, execution] of ODD_EXECUTIONS) {
    for (const mode of MODES) {
      it(`${label} (${mode}): the call answered once, the run goes on or ends typed, the key nowhere`, async () => {
        const { fake, gemini } = await serve([turn.call('lookup', { q: 'a' }), turn.text('done')]);
        const agent = createAgent({
          gemini,
          model: MODEL,
          tools: [lookup],
          plugins: [definePlugin({ name: 'odd', wrapToolCall: async () => execution })],
        });
        const { result, error } = await outcome(agent, mode, 'Go.');
        const sent = JSON.stringify(fake.modelRequests.map((request) => request.body));
        expect(sent).not.toContain(KEY);
        expect(everything(error)).not.toContain(KEY);
        // A timeout's figure is the plugin's word (1e+308 ms is short text); NaN is none.
        expect(sent).not.toMatch(/NaN|Infinity/);
        if (error !== undefined) {
          expect(PluginError.isInstance(error)).toBe(true);
          expect((error as PluginError).plugin).toBe('odd');
          return;
        }
        expect(result?.text).toBe('done');
        const responses = (
          fake.modelRequests[1]?.body as
            | { contents: { parts: { functionResponse?: unknown }[] }[] }
            | undefined
        )?.contents
          .flatMap((content) => content.parts)
          .filter((part) => part.functionResponse !== undefined);
        expect(responses).toHaveLength(1);
      });
    }
  }
});

describe('a beforeModelCall that sends one content of 100,000 parts', () => {
  for (const mode of MODES) {
    it(`sent once as the plugin asked, answered, the history its own (${mode})`, async () => {
      const { fake, gemini } = await serve([turn.text('read them')]);
      const parts = Array.from({ length: 100_000 }, (_, index) => ({ text: `p${index}` }));
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [
          definePlugin({
            name: 'many-parts',
            beforeModelCall: (call) => ({
              contents: [...call.contents, { role: 'user' as const, parts }],
            }),
          }),
        ],
      });
      const { result, error } = await outcome(agent, mode, 'Go.');
      expect(error, everything(error)).toBeUndefined();
      expect(result?.text).toBe('read them');
      const body = fake.modelRequests[0]?.body as { contents: { parts: unknown[] }[] };
      expect(body.contents.at(-1)?.parts).toHaveLength(100_000);
      // The call's contents only: the run's history has the input and the answer.
      expect(result?.contents).toHaveLength(2);
    }, 60_000);
  }
});
