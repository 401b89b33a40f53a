import { type AgentEvent, type Content, createAgent, createGemini } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { type AgentPlugin, definePlugin, type PluginRun } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { scrubEmails } from './scrub-emails-plugin.ts';

// A third party's plugin that asks to come first (`order: 'first'`), public imports only (issue
// 53): wherever it is given (the agent, a run, a subagent's agent under a parent's handed-down
// plugin, the agent a run is handed to), every other plugin's checks see what it left, streamed
// and unary; and `run.plugins` shows the order it asked for.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

type Mode = 'run' | 'stream';
type Agent = ReturnType<typeof createAgent>;
const model = 'gemini-3-flash-preview';

async function go(
  agent: Agent,
  mode: Mode,
  input: string,
  options?: Parameters<Agent['run']>[1],
): Promise<{ text: string; events: AgentEvent<unknown>[] }> {
  if (mode === 'run') return { text: (await agent.run(input, options)).text, events: [] };
  const stream = agent.stream(input, options);
  const events: AgentEvent<unknown>[] = [];
  for await (const event of stream) events.push(event);
  return { text: (await stream.result).text, events };
}

/** The names of the run's plugins that this test made (not the handoff tools' own). */
function namesOf(run: PluginRun<unknown>, known: readonly string[]): string {
  return run.plugins
    .map((plugin) => plugin.name)
    .filter((name) => known.includes(name))
    .join(' > ');
}

/**
 * A plugin that writes down what its checks see (the input, the answer) and, at each check, the
 * run's plugins in order (those in `known`), with the run's depth in its tree.
 */
function witness(
  name: string,
  log: string[],
  known: readonly string[],
  options: { order?: 'first'; inherit?: boolean } = {},
): AgentPlugin {
  const text = (contents: readonly Content[]): string =>
    contents.flatMap((content) => content.parts.map((part) => part.text ?? '')).join(' ');
  return definePlugin({
    name,
    ...options,
    checkInput(input, run) {
      log.push(
        `${run.path.length} ${name} input: ${text(input.contents)} [${namesOf(run, known)}]`,
      );
    },
    checkAnswer(answer, run) {
      log.push(`${run.path.length} ${name} answer: ${answer.text} [${namesOf(run, known)}]`);
    },
  });
}

const KNOWN = ['scrub-emails', 'audit', 'tree', 'front', 'billing', 'this-run', 'a1', 'a2', 'r1'];

describe("a third party's plugin with order: 'first'", () => {
  it.each(['run', 'stream'] as const)(
    'given to the agent after another plugin, it checks first and the model gets its rewrite (%s)',
    async (mode) => {
      const log: string[] = [];
      const { fake, gemini } = await serve([turn.text('Reach ann@example.com today.')]);
      const agent = createAgent({
        gemini,
        model,
        plugins: [witness('audit', log, KNOWN), scrubEmails()],
      });
      const { text, events } = await go(agent, mode, 'Mail bob@example.org for me.');
      expect(log).toEqual([
        '0 audit input: Mail [email] for me. [scrub-emails > audit]',
        '0 audit answer: Reach [email] today. [scrub-emails > audit]',
      ]);
      expect(text).toBe('Reach [email] today.');
      expect(JSON.stringify(fake.requests[0]?.body)).not.toContain('bob@example.org');
      if (mode === 'stream')
        expect(
          events.flatMap((event) =>
            event.type === 'plugin' && event.plugin === 'scrub-emails' ? [event.data] : [],
          ),
        ).toEqual([
          { where: 'input', count: 1 },
          { where: 'answer', count: 1 },
        ]);
    },
  );

  it.each(['run', 'stream'] as const)(
    "given to a run, it comes before the agent's plugins (%s)",
    async (mode) => {
      const log: string[] = [];
      const { gemini } = await serve([turn.text('Reach ann@example.com today.')]);
      const agent = createAgent({ gemini, model, plugins: [witness('audit', log, KNOWN)] });
      const { text } = await go(agent, mode, 'Mail bob@example.org for me.', {
        plugins: [scrubEmails()],
      });
      expect(log).toEqual([
        '0 audit input: Mail [email] for me. [scrub-emails > audit]',
        '0 audit answer: Reach [email] today. [scrub-emails > audit]',
      ]);
      expect(text).toBe('Reach [email] today.');
    },
  );

  it.each(['run', 'stream'] as const)(
    "the plugins that ask to be first keep the levels' order among themselves, and so do the others (%s)",
    async (mode) => {
      const log: string[] = [];
      const { gemini } = await serve([turn.text('Hello.')]);
      const agent = createAgent({
        gemini,
        model,
        plugins: [witness('a1', log, KNOWN), witness('a2', log, KNOWN, { order: 'first' })],
      });
      await go(agent, mode, 'Hi.', {
        plugins: [witness('this-run', log, KNOWN), witness('r1', log, KNOWN, { order: 'first' })],
      });
      // The agent's first, the run's first, the agent's others, the run's others.
      expect(log.map((line) => line.split(' ').slice(1, 3).join(' '))).toEqual([
        'a2 input:',
        'r1 input:',
        'a1 input:',
        'this-run input:',
        'a2 answer:',
        'r1 answer:',
        'a1 answer:',
        'this-run answer:',
      ]);
      expect(log[0]).toContain('[a2 > r1 > a1 > this-run]');
    },
  );

  it.each(['run', 'stream'] as const)(
    "in a subagent, the child's first plugin comes before what its parent hands down (%s)",
    async (mode) => {
      const log: string[] = [];
      const child = await serve([turn.text('Sent to ann@example.com.')]);
      const worker = createAgent({ gemini: child.gemini, model, plugins: [scrubEmails()] });
      const parent = await serve([
        turn.call('worker', { task: 'Mail bob@example.org.' }),
        turn.text('Done.'),
      ]);
      const agent = createAgent({
        gemini: parent.gemini,
        model,
        tools: [subagent(worker, { name: 'worker', description: 'Sends mail.' })],
        plugins: [witness('tree', log, KNOWN, { inherit: true })],
      });
      const { text } = await go(agent, mode, 'Delegate.');
      expect(text).toBe('Done.');
      // The parent's run has no scrubber; the child's run meets it before the handed-down audit.
      expect(log).toEqual([
        '0 tree input: Delegate. [tree]',
        '1 tree input: Mail [email]. [scrub-emails > tree]',
        '1 tree answer: Sent to [email]. [scrub-emails > tree]',
        '0 tree answer: Done. [tree]',
      ]);
      expect(JSON.stringify(child.fake.requests[0]?.body)).not.toContain('bob@example.org');
      // The parent's model got the child's scrubbed answer.
      expect(JSON.stringify(parent.fake.requests[1]?.body)).toContain('Sent to [email].');
    },
  );

  it.each(['run', 'stream'] as const)(
    "after a hand-off, the receiving agent's first plugin checks before the run's own (%s)",
    async (mode) => {
      const log: string[] = [];
      const { gemini } = await serve([
        turn.call('transfer_to_billing', {}),
        turn.text('Write to ann@example.com.'),
      ]);
      const billing = createAgent({
        name: 'billing',
        gemini,
        model,
        plugins: [witness('billing', log, KNOWN), scrubEmails()],
      });
      const front = createAgent({
        name: 'front',
        gemini,
        model,
        tools: [handoff(billing)],
        plugins: [witness('front', log, KNOWN)],
      });
      const { text } = await go(front, mode, 'Bill bob@example.org.', {
        plugins: [witness('this-run', log, KNOWN)],
      });
      expect(text).toBe('Write to [email].');
      // Before the hand-off nothing scrubs (front has no scrubber); after it, billing's scrubber
      // is first, before billing's own audit and the run's own.
      expect(log).toEqual([
        '0 front input: Bill bob@example.org. [front > this-run]',
        '0 this-run input: Bill bob@example.org. [front > this-run]',
        '0 billing answer: Write to [email]. [scrub-emails > billing > this-run]',
        '0 this-run answer: Write to [email]. [scrub-emails > billing > this-run]',
      ]);
    },
  );

  it("an order that is not 'first' is refused, naming the plugin", () => {
    const { gemini } = { gemini: createGemini({ apiKey: 'test-key' }) };
    const odd = definePlugin({ name: 'odd', order: 'last' as 'first' });
    expect(() => createAgent({ gemini, model, plugins: [odd] })).toThrow(
      /plugins\[0\]\.order \(plugin "odd"\) must be 'first'/,
    );
  });
});
