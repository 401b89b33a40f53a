import type { EvalAttempt, EvalSummary, ScorerSummary } from '../eval-result.ts';

/** Pass rates, score distributions, tokens, cost and latency of a list of attempts. */
export function summarizeAttempts(attempts: readonly EvalAttempt[]): EvalSummary {
  const count = (status: string): number => attempts.filter((a) => a.status === status).length;
  const byScorer = new Map<string, { score: number; pass: boolean }[]>();
  for (const attempt of attempts) {
    for (const score of attempt.scores) {
      const list = byScorer.get(score.scorer) ?? [];
      list.push(score);
      byScorer.set(score.scorer, list);
    }
  }
  const scorers: ScorerSummary[] = [...byScorer].map(([scorer, scores]) => {
    const values = scores.map((s) => s.score);
    const histogram: ScorerSummary['histogram'] = [0, 0, 0, 0, 0];
    for (const value of values) {
      const bucket = Math.min(4, Math.floor(value * 5)) as 0 | 1 | 2 | 3 | 4;
      histogram[bucket] += 1;
    }
    return {
      scorer,
      count: scores.length,
      passRate: scores.filter((s) => s.pass).length / scores.length,
      mean: values.reduce((a, b) => a + b, 0) / values.length,
      // A loop, not Math.min(...values): spread arguments overflow the stack past about 120,000
      // scores (10,000 cases run 13 times), which would lose the result after the whole run.
      min: values.reduce((a, b) => Math.min(a, b)),
      max: values.reduce((a, b) => Math.max(a, b)),
      histogram,
    };
  });
  const latencies = attempts.map((a) => a.latencyMs).sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies.length === 0
      ? 0
      : (latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0);
  const known = attempts.filter((a) => a.costUsd !== null);
  return {
    attempts: attempts.length,
    passed: count('pass'),
    failed: count('fail'),
    drifted: count('drift'),
    errored: count('error'),
    passRate: attempts.length === 0 ? 0 : count('pass') / attempts.length,
    scorers,
    totalTokens: attempts.reduce((sum, a) => sum + a.totalTokens, 0),
    costUsd: known.reduce((sum, a) => sum + Number(a.costUsd), 0),
    unknownCost: attempts.length - known.length,
    latencyMs: { p50: at(0.5), p95: at(0.95), max: latencies.at(-1) ?? 0 },
  };
}
