import { asNumber, field } from './format.js';

/** A usage's total, `undefined` when it has none. */
export function totalTokens(usage) {
  return asNumber(field(usage, 'totalTokenCount'));
}

/**
 * The run's tokens: its closing line's total once it ended; while it is live, the sum of each
 * step's usage, or of its model call's response before the step ends (so a live run's count
 * grows with each call, never "0"). Mirrors summarize-run.ts.
 */
export function runTokens(run) {
  const total = totalTokens(run.end?.usage);
  if (total !== undefined) return total;
  let sum = 0;
  for (const step of run.steps) sum += stepTokens(step) ?? 0;
  return sum;
}

/** One step's tokens: its own usage, or its model call's before it ended. */
export function stepTokens(step) {
  return (
    totalTokens(step.end?.usage) ?? totalTokens(field(step.modelCall?.response, 'usageMetadata'))
  );
}
