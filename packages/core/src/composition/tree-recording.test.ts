import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { handoff } from './handoff.ts';
import { subagent } from './subagent.ts';

const MODEL = 'gemini-2.5-flash';

async function readRuns(dir: string): Promise<RecordedRunLine[][]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  return Promise.all(
    names.map(async (name) =>
      (await readFile(join(dir, name), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RecordedRunLine),
    ),
  );
}

describe('recording a tree of agents', () => {
  it("records a child run in its own file with its path and its parent's runId, and a handoff as a line of the run", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-tree-'));
    const recorder = createRunRecorder({ dir });
    const searcher = createAgent({
      gemini: createScriptedGemini([textTurn('Paris.')]),
      model: MODEL,
      name: 'searcher',
      recorder,
      telemetry: false,
    });
    const writer = createAgent({
      gemini: createScriptedGemini([textTurn('Paris is the capital.')]),
      model: MODEL,
      name: 'writer',
      recorder,
      telemetry: false,
    });
    const lead = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['search', { task: 'Capital of France?' }, 's1']),
        callsTurn(['transfer_to_writer', {}, 'w1']),
      ]),
      model: MODEL,
      name: 'lead',
      tools: [subagent(searcher, { name: 'search', description: 'Searches.' }), handoff(writer)],
      recorder,
      telemetry: false,
    });
    await lead.run('Capital of France?');
    await recorder.flush();
    const runs = await readRuns(dir);
    expect(runs).toHaveLength(2);
    const starts = runs.map((run) => run[0]);
    const top = starts.find((start) => start?.type === 'run-start' && start.agentName === 'lead');
    const child = starts.find(
      (start) => start?.type === 'run-start' && start.agentName === 'searcher',
    );
    if (top?.type !== 'run-start' || child?.type !== 'run-start') throw new Error('no run-start');
    expect(top.path).toEqual([]);
    expect(top.parentRunId).toBeUndefined();
    expect(child.path).toEqual(['search#1']);
    expect(child.parentRunId).toBe(top.runId);
    const topLines = runs.find((run) => run[0] === top) ?? [];
    expect(topLines.filter((line) => line.type === 'handoff')).toEqual([
      { type: 'handoff', stepNumber: 2, from: 'lead', to: 'writer', at: expect.any(Number) },
    ]);
  });
});
