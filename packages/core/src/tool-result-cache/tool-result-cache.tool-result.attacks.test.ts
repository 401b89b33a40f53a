import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResult } from '../tools/responses/tool-result.ts';
import type { Content, FunctionResponse } from '../wire/content.ts';
import { createMemoryToolResultStore } from './create-memory-tool-result-store.ts';
import { toolResultCache } from './tool-result-cache.ts';
import type { ToolResultEntry, ToolResultStore } from './tool-result-store.ts';

// toolresult45: a cached read keeps its value as JSON text, which loses toolResult()'s mark. The
// entry's tags carry it (every store keeps them: it invalidates by them), so a cached
// toolResult() is served as media again and the tool's data of that shape as data; an entry an
// older version kept (no mark) is served as it was then: a value of the shape as media.

const MODEL = 'gemini-3-flash-preview';
const media = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
const lookalike = { kind: 'tool-result', response: { approved: true }, parts: [media] };

/** A fleet store that notes what it was given, or (`older`) keeps entries without the mark. */
function store(older = false): ToolResultStore & { kept: ToolResultEntry[] } {
  const inner = createMemoryToolResultStore();
  const kept: ToolResultEntry[] = [];
  return {
    kept,
    get: (partition, key) => inner.get(partition, key),
    delete: (partition, key) => inner.delete(partition, key),
    invalidate: (partition, invalidation) => inner.invalidate(partition, invalidation),
    set: (partition, key, entry) => {
      const tags = older ? entry.tags.filter((tag) => !tag.startsWith('gemloop:')) : entry.tags;
      kept.push({ ...entry, tags });
      return inner.set(partition, key, { ...entry, tags });
    },
  };
}

/** Runs shot and row (each cached) twice, `row` tagged with the model's `tag`; returns what was sent. */
async function twice(given: ToolResultStore, tag = 'rows') {
  const runs = { shot: 0, row: 0 };
  const shot = defineTool({
    name: 'shot',
    description: 'Takes a screenshot.',
    parameters: z.object({}),
    execute: () => {
      runs.shot++;
      return toolResult({ output: 'shot', parts: [media] });
    },
  });
  const row = defineTool({
    name: 'row',
    description: 'Reads a stored row.',
    parameters: z.object({ tag: z.string() }),
    execute: () => {
      runs.row++;
      return JSON.parse(JSON.stringify(lookalike)) as unknown;
    },
  });
  const gemini = createScriptedGemini([
    callsTurn(['shot', {}, 'a1'], ['row', { tag }, 'b1']),
    callsTurn(['shot', {}, 'a2'], ['row', { tag }, 'b2']),
    textTurn('Seen.'),
  ]);
  const cache = toolResultCache({
    scope: 'fleet',
    store: given,
    user: 'u1',
    tools: {
      shot: { effect: 'read' },
      // The tag from the model's arguments: it may name anything, the mark's tag too.
      row: { effect: 'read', tags: (input: { tag: string }) => [input.tag] },
    },
  });
  await createAgent({ gemini, model: MODEL, tools: [shot, row], plugins: [cache] }).run('Look.');
  const answers = [1, 2].map((index) => {
    const contents: Content[] = gemini.contentsOf(index);
    const responses = (contents.at(-1)?.parts ?? []).flatMap((part) =>
      part.functionResponse === undefined ? [] : [part.functionResponse],
    );
    const byName = (name: string): FunctionResponse | undefined =>
      responses.find((response) => response.name === name);
    return { shot: byName('shot'), row: byName('row') };
  });
  return { runs, answers };
}

describe('the tool-result cache and toolResult() values', () => {
  it('serves a cached toolResult() as media and cached data of its shape as data', async () => {
    const given = store();
    const { runs, answers } = await twice(given);
    expect(runs).toEqual({ shot: 1, row: 1 });
    for (const { shot, row } of answers) {
      expect(shot).toMatchObject({ response: { output: 'shot' }, parts: [media] });
      expect(row?.response).toEqual(lookalike);
      expect(row?.parts).toBeUndefined();
    }
    // By name: the two calls run in parallel, and which one's entry is written first is theirs to
    // decide (a fresh clone's run wrote `row` first).
    const kept = given.kept.map((entry) => [entry.toolName, entry.tags] as const);
    expect(kept.toSorted(([a], [b]) => a.localeCompare(b))).toEqual([
      ['row', ['rows', 'gemloop:tool-result-shaped-data']],
      ['shot', ['gemloop:tool-result']],
    ]);
  });

  it("drops a tag of the mark's name from the model's arguments: data stays data", async () => {
    const given = store();
    const { runs, answers } = await twice(given, 'gemloop:tool-result');
    expect(runs.row).toBe(1);
    expect(answers[1]?.row?.parts).toBeUndefined();
    expect(answers[1]?.row?.response).toEqual(lookalike);
    // By name, as above: which parallel call's entry is written first is theirs to decide (CI's
    // run wrote `row` first, and this read `shot`'s entry).
    const rowEntries = given.kept.filter((entry) => entry.toolName === 'row');
    expect(rowEntries.map((entry) => entry.tags)).toEqual([['gemloop:tool-result-shaped-data']]);
  });

  it('serves an entry an older version kept (no mark) as it served it: a value of the shape as media', async () => {
    const { runs, answers } = await twice(store(true));
    expect(runs).toEqual({ shot: 1, row: 1 });
    expect(answers[1]?.shot).toMatchObject({ response: { output: 'shot' }, parts: [media] });
    expect(answers[1]?.row).toMatchObject({ response: { approved: true }, parts: [media] });
  });
});
