// toolresult45: a recorded tool output of toolResult()'s shape was answered by a replay or a fork
// as whatever the shape check made of it. A recording keeps `output` as JSON, which loses
// toolResult()'s mark, so the recorder writes `toolResult: true` (made by toolResult(): media) or
// `false` (the tool's data of that shape) beside it, and a replay answers as the run was
// answered. A recording from before the mark (none written) replays as it did: a value of the
// shape as media.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Content,
  createAgent,
  createGemini,
  defineTool,
  jsonSchema,
  type Part,
} from '@gemloop/core';
import { createRunRecorder, type RecordedRunLine } from '@gemloop/core/recorder';
import { isToolResultWithParts, toolResult } from '@gemloop/core/tools';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { caseFromRunFile } from '../cases-from-run.ts';
import type { EvalCase } from '../eval-case.ts';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import { forkRun } from '../fork/fork-run.ts';
import { parseEvalCases } from '../parse-eval-cases.ts';
import { recordedToolLookup } from './recorded-tool-lookup.ts';

const media = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
const lookalike = { kind: 'tool-result', response: { approved: true }, parts: [media] };

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A case of one recorded result of `look`, its mark as given (absent: an older recording). */
function caseOf(output: unknown, mark?: boolean): EvalCase {
  return {
    id: 'c',
    input: 'Look.',
    fixtures: {
      modelResponses: [],
      toolResults: [
        { name: 'look', args: {}, output, ...(mark === undefined ? {} : { toolResult: mark }) },
      ],
    },
  };
}

function lookedUp(evalCase: EvalCase): unknown {
  const found = recordedToolLookup(evalCase)('look', {});
  if (!found.found) throw new Error('not found');
  return found.output;
}

describe('recordedToolLookup and a recorded toolResult()', () => {
  it('answers a marked output with toolResult() again, an output marked data as data', () => {
    const made = lookedUp(caseOf(lookalike, true));
    expect(isToolResultWithParts(made)).toBe(true);
    expect(made).toEqual(lookalike);
    const data = lookedUp(caseOf(lookalike, false));
    expect(isToolResultWithParts(data)).toBe(false);
    expect(data).toBe(lookalike);
  });

  it('answers an unmarked output (an older recording) of the shape as media, as it was then, and any other output as it is', () => {
    expect(isToolResultWithParts(lookedUp(caseOf(lookalike)))).toBe(true);
    // A recording's shortened media still replays (toolResult() itself would refuse its data).
    const shortened = {
      ...lookalike,
      parts: [{ inlineData: { mimeType: 'image/png', data: '[4000 characters omitted]' } }],
    };
    expect(isToolResultWithParts(lookedUp(caseOf(shortened)))).toBe(true);
    const plain = { approved: true };
    expect(lookedUp(caseOf(plain))).toBe(plain);
    expect(lookedUp(caseOf(plain, true))).toBe(plain);
  });

  it('a dataset line keeps the mark; one that is not a boolean is refused, naming the field', () => {
    const line = (mark: unknown) =>
      JSON.stringify({
        id: 'c',
        input: 'Look.',
        fixtures: {
          modelResponses: [],
          toolResults: [{ name: 'look', args: {}, output: lookalike, toolResult: mark }],
        },
      });
    expect(parseEvalCases(line(true))[0]?.fixtures?.toolResults?.[0]?.toolResult).toBe(true);
    expect(parseEvalCases(line(false))[0]?.fixtures?.toolResults?.[0]?.toolResult).toBe(false);
    expect(parseEvalCases(line(undefined))[0]?.fixtures?.toolResults?.[0]).not.toHaveProperty(
      'toolResult',
    );
    const refused = (() => {
      try {
        parseEvalCases(line('yes'));
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(EvalDatasetError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toContain(
      "'fixtures.toolResults[0].toolResult' must be true",
    );
  });
});

describe('a recorded run with a toolResult() and a lookalike, replayed by a fork', () => {
  /** Records a Gemini 3 run whose model calls shot (media) and row (data of the shape) at once. */
  async function recorded(): Promise<{ text: string; lines: RecordedRunLine[] }> {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-toolresult45-'));
    dirs.push(dir);
    const fake = createFakeGemini({
      script: [
        turn.calls([
          { name: 'shot', args: {} },
          { name: 'row', args: {} },
        ]),
        turn.text('Seen.'),
      ],
    });
    fakes.push(fake);
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false }),
      model: 'gemini-3-flash-preview',
      recorder,
      tools: [
        defineTool({
          name: 'shot',
          description: 'Takes a screenshot.',
          parameters: jsonSchema({ type: 'object', properties: {} }),
          execute: () => toolResult({ output: 'shot', parts: [media] }),
        }),
        defineTool({
          name: 'row',
          description: 'Reads a stored row.',
          parameters: jsonSchema({ type: 'object', properties: {} }),
          execute: () => JSON.parse(JSON.stringify(lookalike)) as unknown,
        }),
      ],
    });
    await agent.run('Look.');
    await recorder.flush();
    const [name] = await readdir(dir);
    const text = await readFile(join(dir, name as string), 'utf8');
    return {
      text,
      lines: text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RecordedRunLine),
    };
  }

  /** The parts of the replayed second request after the model's calls. */
  async function replayedAnswer(text: string): Promise<{ parts: Part[]; drift: unknown }> {
    const made = caseFromRunFile(text, 'run.jsonl');
    if (made === undefined) throw new Error('no case');
    // Replayed to the end: the client the fork would go on with is never called.
    const then = createFakeGemini({ script: [] });
    fakes.push(then);
    const continueOn = createGemini({ apiKey: 'then', fetch: then.fetch, retry: false });
    const fork = await forkRun(made, { until: 2, continueOn });
    expect(then.modelRequests).toHaveLength(0);
    const contents = (fork.replayedRequests[1] as { contents: Content[] }).contents;
    return { parts: contents.at(-1)?.parts ?? [], drift: fork.drift };
  }

  it('records the mark on the two outputs of that shape, and the fork sends what the run sent', async () => {
    const { text, lines } = await recorded();
    const ends = lines.filter((line) => line.type === 'tool-call-end');
    // By tool name: each end is written as its call settles, and the two calls run in parallel.
    const marks = Object.fromEntries(ends.map((line) => [line.toolName, line.toolResult]));
    expect(ends).toHaveLength(2);
    expect(marks).toEqual({ shot: true, row: false });
    const { parts, drift } = await replayedAnswer(text);
    // The same request as recorded, byte for byte: shot's media, row's JSON.
    expect(drift).toBeUndefined();
    expect(parts.map((part) => part.functionResponse)).toEqual([
      expect.objectContaining({ name: 'shot', response: { output: 'shot' }, parts: [media] }),
      { id: expect.any(String), name: 'row', response: lookalike },
    ]);
  });

  it('replays a recording from before the mark as it replayed then: both outputs as media', async () => {
    const { text } = await recorded();
    const old = text.replaceAll(',"toolResult":true', '').replaceAll(',"toolResult":false', '');
    expect(old).not.toContain('"toolResult"');
    const { parts } = await replayedAnswer(old);
    expect(parts.map((part) => part.functionResponse?.parts)).toEqual([[media], [media]]);
  });
});
