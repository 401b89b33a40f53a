import { type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { guardrails } from '../guardrails/index.ts';
import { definePlugin } from '../plugins/index.ts';
import { type SpansAndRunFile, spansAndRunFile } from './__fixtures__/spans-and-run-file.ts';

// attack63a: texts cut to a bound before they reach a span or a run file, cut inside an emoji.
// Half of a surrogate pair is no character: OTLP/protobuf's string fields must be UTF-8, and
// protobufjs writes a lone surrogate of a short string as bytes no UTF-8 reader takes (a
// collector then refuses the whole batch of spans); a run file read back holds it as `\ud83d`.
// gemloop's other cuts (names, status messages, the recorder's) keep pairs whole.

const opened: SpansAndRunFile[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((setup) => setup.close()));
});

async function setup(script: FakeTurn[]): Promise<SpansAndRunFile> {
  const made = await spansAndRunFile(script);
  opened.push(made);
  return made;
}

/** Every string in `value`, deeply. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(strings);
}

const EMOJI = '\u{1F600}';

/** No half of a surrogate pair alone (`String.prototype.isWellFormed`, past this project's lib). */
function wellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

describe('a cut through an emoji, on its way to a span or a run file', () => {
  it.each([false, true])(
    "a plugin's report data past 4,000 characters of JSON (streamed: %s)",
    async (streamed) => {
      const { exporter, options, lines } = await setup([turn.text('ok')]);
      // `{"note":"` is 9 characters: the cut at 4,000 falls after a pair's first half.
      const reporter = definePlugin({
        name: 'reporter',
        beforeModelCall: (_call, run) => {
          run.emit('note', { note: EMOJI.repeat(3000) });
        },
      });
      const agent = createAgent({ ...options, plugins: [reporter] });
      if (streamed) await agent.stream('Go').result;
      else await agent.run('Go');
      const run = exporter.getFinishedSpans().find((span) => span.name === 'invoke_agent');
      const data = run?.events.find((event) => event.name === 'gemloop.plugin')?.attributes?.[
        'gemloop.plugin.data'
      ];
      expect(typeof data).toBe('string');
      expect(wellFormed(data as string)).toBe(true);
      for (const text of strings(await lines())) expect(wellFormed(text)).toBe(true);
    },
  );

  it("a guardrail's block reason past 1,000 characters", async () => {
    const { exporter, options, lines } = await setup([turn.text('never')]);
    const agent = createAgent({
      ...options,
      guardrails: guardrails({
        input: [
          { name: 'topic', check: () => ({ type: 'block', reason: `a${EMOJI.repeat(800)}` }) },
        ],
      }),
    });
    await expect(agent.run('Go')).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    const seen = spans.flatMap((span) => [
      span.status.message ?? '',
      ...strings(span.attributes),
      ...span.events.flatMap((event) => strings(event.attributes)),
    ]);
    expect(seen.some((text) => text.includes(EMOJI.repeat(10)))).toBe(true);
    for (const text of seen) expect(wellFormed(text)).toBe(true);
    for (const text of strings(await lines())) expect(wellFormed(text)).toBe(true);
  });
});
