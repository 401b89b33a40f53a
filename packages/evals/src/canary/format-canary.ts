import { cutText } from '@gemloop/core/internal';
import { oneLine } from '../report/one-line.ts';

/** The most characters of one value from the runs a line shows, as the eval summary's reasons. */
const MAX_SHOWN_CHARS = 300;

import type { CanaryResult } from './canary-result.ts';

/**
 * A canary result as terminal text: one block per case (status, each model's trajectories,
 * flakiness, p-value, the difference, requirements, cost and latency), then the totals. Every
 * string from a run (a case id, an error, tool names: a model may call a tool by a 1 MB name) is
 * on one line, cut at 300 characters.
 */
export function formatCanary(result: CanaryResult): string {
  const lines: string[] = [
    `canary ${shown(result.from)} → ${shown(result.to)}: ${result.cases.length} case(s), ${result.k} runs each per model`,
  ];
  for (const item of result.cases) {
    lines.push('', `${item.status.toUpperCase().padEnd(10)} ${shown(item.caseId)}`);
    for (const side of [item.from, item.to]) {
      const mix = side.trajectories.map((t) => `${t.count}× [${shown(t.calls)}]`).join(', ');
      lines.push(
        `  ${shown(side.model)}: ${side.runs} run(s)${side.errors > 0 ? `, ${side.errors} error(s)` : ''}${mix === '' ? '' : `: ${mix}`}`,
      );
    }
    if (item.reason !== undefined) lines.push(`  unjudged: ${shown(item.reason)}`);
    if (item.shift !== undefined) {
      const { fromFlakiness, toFlakiness, distance, pValue } = item.shift;
      lines.push(
        `  flakiness ${percent(fromFlakiness)} → ${percent(toFlakiness)}, shift ${percent(distance)}, ${pText(pValue)} (changed below ${result.alpha})`,
      );
    }
    if (item.difference !== undefined && !item.difference.same) {
      // The most taken trajectories of a noisy model differ by chance too: said as such.
      const noise = item.status === 'same' ? ' (within the noise)' : '';
      lines.push(`  most runs: ${shown(item.difference.summary)}${noise}`);
    }
    for (const mark of item.requirements) {
      lines.push(
        `  ${mark.regression ? 'REGRESSION' : 'ok'} ${mark.kind === 'tool' ? 'must call' : 'must pass'} ${shown(mark.name)}: ${mark.fromMet}/${mark.fromRuns} → ${mark.toMet}/${mark.toRuns} (${pText(mark.pValue)})`,
      );
    }
    lines.push(
      `  cost ${dollars(item.costDeltaUsd)} per run, latency ${signed(item.latencyDeltaMs)} ms`,
    );
  }
  lines.push(
    '',
    `${result.regressions} regression(s), ${result.changed} changed, ${result.unjudged} unjudged; cost ${dollars(result.costDeltaUsd)} per run, latency ${signed(result.latencyDeltaMs)} ms`,
    result.passed ? 'PASSED' : 'FAILED',
    '',
  );
  return lines.join('\n');
}

function pText(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`;
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function signed(value: number): string {
  const rounded = Math.round(value);
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

function dollars(value: number | null): string {
  if (value === null) return 'unknown';
  return `${value >= 0 ? '+' : '-'}$${Math.abs(value).toFixed(6)}`;
}

/** A value from the runs on one line, cut past {@link MAX_SHOWN_CHARS} with `…`. */
function shown(text: string): string {
  const line = oneLine(text);
  return line.length > MAX_SHOWN_CHARS ? `${cutText(line, MAX_SHOWN_CHARS)}…` : line;
}
