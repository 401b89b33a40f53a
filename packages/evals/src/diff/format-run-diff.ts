import { cutText } from '@gemloop/core/internal';
import { oneLine } from '../report/one-line.ts';
import type { ArgumentDrift, DiffCall, PairedCall, RunDiff } from './diff-runs.ts';

/** The most characters of one value (an argument, an answer) a terminal diff prints. */
const MAX_VALUE_CHARS = 200;

/**
 * A {@link RunDiff} as terminal lines for CI logs: `+` a call only the fork made, `-` one only
 * the original made, `~` arguments that drifted (with their JSON paths), `↕` a call that moved,
 * then the answers and the steps, tokens and dollars of both. Every value from the runs (a tool's
 * name and a path too: a model may call a tool by a 1 MB name) is one line with its control
 * characters escaped, and cut at 200 characters.
 */
export function formatRunDiff(diff: RunDiff): string {
  const lines: string[] = [];
  const calls = diff.toolCalls;
  lines.push(
    diff.same
      ? 'SAME: the fork made the same tool calls, with the same arguments, and gave the same answer.'
      : `DIFFERENT: ${calls.added.length} call(s) added, ${calls.dropped.length} dropped, ${calls.reordered.length} moved, ${calls.drifted.length} with drifted arguments; ${calls.unchanged} unchanged; answer ${diff.answer.same ? 'the same' : 'changed'}.`,
  );
  for (const call of calls.dropped) lines.push(`  - ${describeCall(call)} (original only)`);
  for (const call of calls.added) lines.push(`  + ${describeCall(call)} (fork only)`);
  for (const pair of calls.reordered) {
    lines.push(`  ↕ ${cut(pair.name)}: call #${pair.original.index + 1} → #${pair.fork.index + 1}`);
    lines.push(...describeDrift(pair));
  }
  for (const pair of calls.drifted) {
    lines.push(`  ~ ${cut(pair.name)} (call #${pair.original.index + 1})`);
    lines.push(...describeDrift(pair));
  }
  if (calls.truncated === true) lines.push('  (only the first 2000 calls of each run compared)');
  if (!diff.answer.same) {
    lines.push(`  answer (original): ${value(diff.answer.original)}`);
    lines.push(`  answer (fork):     ${value(diff.answer.fork)}`);
  }
  const tokens = diff.tokens;
  lines.push(
    `steps ${diff.steps.original} → ${diff.steps.fork} (${signed(diff.steps.delta)}); tokens ${tokens.original.total} → ${tokens.fork.total} (${signed(tokens.delta.total)}); cost $${diff.costUsd.original ?? '?'} → $${diff.costUsd.fork ?? '?'} (${diff.costUsd.delta === null ? 'unknown' : signedUsd(diff.costUsd.delta)})`,
  );
  return `${lines.join('\n')}\n`;
}

function describeCall(call: DiffCall): string {
  return `${cut(call.name)}(${cut(toJson(call.args) ?? '')}) at step ${call.step}`;
}

function describeDrift(pair: PairedCall): string[] {
  return pair.drift.map(
    (drift: ArgumentDrift) =>
      `      ${cut(drift.path)}: ${value(drift.original)} → ${value(drift.fork)}`,
  );
}

function value(item: unknown): string {
  if (item === undefined) return '(none)';
  return cut(toJson(item) ?? '');
}

/** `value` as JSON, or a note when it is nested too deep for JSON.stringify (a hostile run file). */
function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return '(nested too deep to print)';
  }
}

function cut(text: string): string {
  const line = oneLine(text);
  return line.length > MAX_VALUE_CHARS ? `${cutText(line, MAX_VALUE_CHARS)}…` : line;
}

function signed(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta);
}

function signedUsd(delta: string): string {
  return delta.startsWith('-') ? `-$${delta.slice(1)}` : `+$${delta}`;
}
