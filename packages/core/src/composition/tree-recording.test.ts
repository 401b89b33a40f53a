import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
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
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
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
    // The call that started it, so the viewer nests the child's steps under that call.
    expect(child.parentStepNumber).toBe(1);
    expect(child.parentToolCallId).toBe('s1');
    expect(child.parentCallIndex).toBe(0);
    const topLines = runs.find((run) => run[0] === top) ?? [];
    expect(topLines.filter((line) => line.type === 'handoff')).toEqual([
      {
        type: 'handoff',
        stepNumber: 2,
        from: 'lead',
        to: 'writer',
        filter: 'default',
        // The question, the search call and its response, the transfer call and its response:
        // the default filter drops the search exchange and keeps the transfer (the history the
        // receiver sees ends with the handing over).
        contentsBefore: 5,
        contentsAfter: 3,
        at: expect.any(Number),
      },
    ]);
  });

  it("records a child whose agent has no recorder into its parent's recorder, nested two deep", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-tree-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir });
    const leaf = createAgent({
      gemini: createScriptedGemini([textTurn('Leaf answer.')]),
      model: MODEL,
      name: 'leaf',
      telemetry: false,
    });
    const middle = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['dig', { task: 'Dig.' }, 'd1'], ['dig', { task: 'Dig more.' }, 'd2']),
        textTurn('Middle answer.'),
      ]),
      model: MODEL,
      name: 'middle',
      tools: [subagent(leaf, { name: 'dig', description: 'Digs.' })],
      telemetry: false,
    });
    const top = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['ask', { task: 'Ask.' }, 'a1']),
        textTurn('Top answer.'),
      ]),
      model: MODEL,
      name: 'top',
      tools: [subagent(middle, { name: 'ask', description: 'Asks.' })],
      recorder,
      telemetry: false,
    });
    await top.run('Go.');
    await recorder.flush();
    const starts = (await readRuns(dir)).map((run) => run[0]);
    const byPath = new Map(
      starts.map((start) => [
        start?.type === 'run-start' ? (start.path ?? []).join('/') : '?',
        start,
      ]),
    );
    expect([...byPath.keys()].sort()).toEqual(['', 'ask#1', 'ask#1/dig#1', 'ask#1/dig#2']);
    const runIdOf = (path: string): unknown => {
      const start = byPath.get(path);
      return start?.type === 'run-start' ? start.runId : undefined;
    };
    for (const [path, parent, callId, index] of [
      ['ask#1', '', 'a1', 0],
      ['ask#1/dig#1', 'ask#1', 'd1', 0],
      ['ask#1/dig#2', 'ask#1', 'd2', 1],
    ] as const) {
      expect(byPath.get(path)).toMatchObject({
        parentRunId: runIdOf(parent),
        parentStepNumber: 1,
        parentToolCallId: callId,
        parentCallIndex: index,
      });
    }
  });

  it("records a child whose agent has a recorder of its own in both folders: its own and its parent's", async () => {
    const parentDir = await mkdtemp(join(tmpdir(), 'gemloop-tree-'));
    onTestFinished(() => rm(parentDir, { recursive: true, force: true }));
    const childDir = await mkdtemp(join(tmpdir(), 'gemloop-tree-'));
    onTestFinished(() => rm(childDir, { recursive: true, force: true }));
    const parentRecorder = createRunRecorder({ dir: parentDir });
    const childRecorder = createRunRecorder({ dir: childDir });
    const child = createAgent({
      gemini: createScriptedGemini([textTurn('Child answer.')]),
      model: MODEL,
      name: 'child',
      recorder: childRecorder,
      telemetry: false,
    });
    const top = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['ask', { task: 'Ask.' }, 'a1']),
        textTurn('Top answer.'),
      ]),
      model: MODEL,
      name: 'top',
      tools: [subagent(child, { name: 'ask', description: 'Asks.' })],
      recorder: parentRecorder,
      telemetry: false,
    });
    await top.run('Go.');
    await parentRecorder.flush();
    await childRecorder.flush();
    const names = (runs: RecordedRunLine[][]) =>
      runs.map((run) => (run[0]?.type === 'run-start' ? run[0].agentName : undefined)).sort();
    expect(names(await readRuns(parentDir))).toEqual(['child', 'top']);
    expect(names(await readRuns(childDir))).toEqual(['child']);
  });
});
