import { getJson } from './api.js';
import { readRun } from './read-run.js';

// A run's subagent tree: the runs its tool calls started (each in its own file, its start line
// naming the parent run and call), read and attached to those calls, down to the leaves.

/** The deepest subagent shown; a deeper (or cyclic, in a hostile folder) tree is cut. */
export const MAX_TREE_DEPTH = 8;
/** The most subagent runs one page reads: the rest are counted in a note. */
export const MAX_TREE_RUNS = 100;

/**
 * Reads the child runs of `run` (recursively) from the run list's `summaries` and attaches each
 * to the tool call that started it (`call.child`), or to `run.unplacedChildren` when no call
 * matches (a file from before the recorder named the call). Returns how many runs were read,
 * how many were left out, and how many lines they had (a live page re-draws when it changes).
 * `ended` keeps the lines of the child runs that ended, by file id: a live page's poll reads only
 * the children still running again.
 */
export async function loadRunTree(run, summaries, ended = new Map()) {
  const byParent = new Map();
  for (const summary of Array.isArray(summaries) ? summaries : []) {
    const parentId = summary?.parent?.runId;
    if (typeof parentId !== 'string' || parentId === '') continue;
    const list = byParent.get(parentId) ?? [];
    list.push(summary);
    byParent.set(parentId, list);
  }
  const tree = { runs: 0, cut: 0, lines: 0 };
  const seen = new Set([run.start.runId]);
  const load = async (parent, depth) => {
    const children = (byParent.get(parent.start.runId) ?? []).sort(
      (a, b) => a.startedAt - b.startedAt || String(a.id).localeCompare(String(b.id)),
    );
    for (const summary of children) {
      if (depth > MAX_TREE_DEPTH || tree.runs >= MAX_TREE_RUNS || seen.has(summary.runId)) {
        tree.cut++;
        continue;
      }
      seen.add(summary.runId);
      tree.runs++;
      let lines = ended.get(summary.id);
      if (lines === undefined) {
        try {
          lines = await getJson(`/api/runs/${encodeURIComponent(summary.id)}`);
        } catch {
          continue;
        }
        if (!Array.isArray(lines) || lines[0]?.type !== 'run-start') continue;
        if (lines.some((line) => line?.type === 'run-end')) ended.set(summary.id, lines);
      }
      tree.lines += lines.length;
      const child = readRun(lines, { keyPrefix: `${summary.id}/` });
      child.summary = summary;
      child.depth = depth;
      attachChild(parent, child, summary);
      await load(child, depth + 1);
    }
  };
  await load(run, 1);
  return tree;
}

/**
 * Puts `child` under the call of `parent` that started it: the call of that step with that id
 * (the one at `callIndex` when the model gave two calls one id), else, for an older file, the
 * first call still without a child whose tool is named like the child's path.
 */
function attachChild(parent, child, summary) {
  const { stepNumber, toolCallId, callIndex } = summary.parent;
  const free = parent.toolCalls.filter((call) => call.child === undefined);
  const ofStep = free.filter((call) => call.stepNumber === stepNumber);
  const byIndex =
    typeof callIndex === 'number'
      ? parent.toolCalls.filter((call) => call.stepNumber === stepNumber)[callIndex]
      : undefined;
  const segment = String(summary.path?.[summary.path.length - 1] ?? '');
  const name = segment.replace(/#\d+$/, '');
  const call =
    (byIndex?.child === undefined && byIndex?.toolCallId === toolCallId ? byIndex : undefined) ??
    ofStep.find((candidate) => candidate.toolCallId === toolCallId) ??
    (stepNumber === undefined ? free.find((candidate) => candidate.name === name) : undefined);
  if (call === undefined) parent.unplacedChildren.push(child);
  else call.child = child;
}
