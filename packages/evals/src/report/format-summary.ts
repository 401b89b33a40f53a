import { cutText } from '@gemloop/core/internal';
import type { EvalResult } from '../eval-result.ts';
import { oneLine } from './one-line.ts';

/** The summary as terminal text: pass rate, each scorer's distribution, tokens, cost, latency, failures. */
export function formatSummary(result: EvalResult): string {
  const { summary } = result;
  const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const lines = [
    `${oneLine(result.name)} (${result.mode}): ${summary.passed}/${summary.attempts} passed (${pct(summary.passRate)}), ${summary.failed} failed, ${summary.drifted} drifted, ${summary.errored} errored`,
  ];
  for (const scorer of summary.scorers) {
    lines.push(
      `  ${oneLine(scorer.scorer).padEnd(28)} pass ${pct(scorer.passRate).padStart(6)}  mean ${scorer.mean.toFixed(2)}  min ${scorer.min.toFixed(2)}  max ${scorer.max.toFixed(2)}  [${scorer.histogram.join(' ')}]`,
    );
  }
  const cost = `$${summary.costUsd.toFixed(6)}${summary.unknownCost > 0 ? ` (+${summary.unknownCost} unknown)` : ''}`;
  lines.push(
    `  tokens ${summary.totalTokens}  cost ${cost}  latency p50 ${Math.round(summary.latencyMs.p50)} ms, p95 ${Math.round(summary.latencyMs.p95)} ms`,
  );
  for (const attempt of result.attempts) {
    const unreproduced = attempt.unreproduced ?? [];
    if (unreproduced.length > 0) {
      // A replay that served placeholders passed on what it could reproduce: say which steps
      // were not byte for byte, so a pass is not read as an exact replay.
      const steps = unreproduced
        .map((step) => `${step.run} call ${step.call + 1}: ${step.omitted.join(', ')}`)
        .join('; ');
      lines.push(
        `  INEXACT ${oneLine(attempt.caseId)}${attempt.repeat > 0 ? ` #${attempt.repeat + 1}` : ''}: the recording shortened what the model sent (${cutText(oneLine(steps), 300)}); record with fidelity: 'full' for an exact replay`,
      );
    }
    if (attempt.status === 'pass') continue;
    const why =
      attempt.status === 'drift'
        ? `drift: ${attempt.drift?.reason ?? ''}`
        : attempt.status === 'error'
          ? `${attempt.error?.kind ?? 'error'}: ${attempt.error?.message ?? ''}`
          : attempt.scores
              .filter((s) => !s.pass)
              .map((s) => `${s.scorer}: ${s.reason}`)
              .join('; ');
    // One line per case whatever the texts hold: a model's reason or an error cannot start a
    // line of its own (a forged PASS line).
    lines.push(
      `  ${attempt.status.toUpperCase()} ${oneLine(attempt.caseId)}${attempt.repeat > 0 ? ` #${attempt.repeat + 1}` : ''}: ${cutText(oneLine(why), 300)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
