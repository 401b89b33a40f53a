import type { EvalSummary } from '../eval-result.ts';

/** The pass-rate gates of an eval run, as an `EvalSuite` sets them. */
export type EvalGates = {
  /** The overall pass rate (0 to 1) under which the run fails. @defaultValue 1 */
  minPass?: number | undefined;
  /** Per-scorer gates: a scorer's pass rate under its value fails the run. */
  minPassByScorer?: Readonly<Record<string, number>> | undefined;
};

/** The gates' defaults, declared once (`defineEvalTests` reads `minPass` too). @internal */
export const GATE_DEFAULTS: { readonly minPass: number } = { minPass: 1 };

/**
 * What keeps a run's summary from passing its gates, one sentence each (none: it passes). The one
 * reading of the gates, for `gemloop eval` and the vitest gate (`@gemloop/evals/vitest`) alike.
 */
export function gateFailures(summary: EvalSummary, gates: EvalGates): string[] {
  const minPass = gates.minPass ?? GATE_DEFAULTS.minPass;
  const failures: string[] = [];
  // A gate that is no rate (NaN, a string, 90 meant as percent) fails the run: `passRate < NaN`
  // is false, so it would otherwise pass every run, however bad, without anyone noticing.
  const badGate = (name: string, gate: unknown): boolean => {
    if (typeof gate === 'number' && gate >= 0 && gate <= 1) return false;
    failures.push(
      `${name} must be a pass rate from 0 to 1 (0.9 for 90%); got ${typeof gate === 'string' ? JSON.stringify(gate) : String(gate)}, so the gate fails the run`,
    );
    return true;
  };
  if (!badGate('minPass', minPass) && summary.passRate < minPass) {
    failures.push(
      `pass rate ${(summary.passRate * 100).toFixed(1)}% is below the gate ${(minPass * 100).toFixed(1)}%`,
    );
  }
  for (const [scorer, gate] of Object.entries(gates.minPassByScorer ?? {})) {
    if (badGate(`minPassByScorer[${JSON.stringify(scorer)}]`, gate)) continue;
    const found = summary.scorers.find((item) => item.scorer === scorer);
    if (found === undefined) {
      // A gate on a scorer that scored nothing (a typo, a scorer dropped from the suite) would
      // otherwise pass every run without anyone noticing.
      const known = summary.scorers.map((item) => JSON.stringify(item.scorer)).join(', ');
      failures.push(
        `minPassByScorer names ${JSON.stringify(scorer)}, which scored nothing in this run (${known === '' ? 'no scorer scored' : `scorers: ${known}`}); fix the name or add the scorer to the suite`,
      );
    } else if (found.passRate < gate) {
      failures.push(
        `${scorer} passes ${(found.passRate * 100).toFixed(1)}%, below its gate ${(gate * 100).toFixed(1)}%`,
      );
    }
  }
  return failures;
}
