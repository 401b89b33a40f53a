import { describe, expect, it } from 'vitest';
import type { CanaryCase, CanaryResult } from '../canary/canary-result.ts';
import { formatCanary } from '../canary/format-canary.ts';
import type { EvalAttempt, EvalResult } from '../eval-result.ts';
import { formatSummary } from './format-summary.ts';
import { summarizeAttempts } from './summarize-attempts.ts';

// Attack (attack-core9): case names, scorer reasons and errors carrying Unicode's bidirectional
// controls (the "Trojan Source" set, CVE-2021-42574: embeddings, overrides, isolates, marks). C0,
// C1 and the line separators were already made spaces; these went to the terminal as they were,
// so a case id ending in U+202E showed the rest of its line backwards ("SSAP" read as "PASS"),
// and `gemloop eval canary` prints formatCanary's text without any escaping.

const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];
const bidi = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const hostile = `refund\u202e ${BIDI.join('x')} SSAP`;

const attempt = (extra: Partial<EvalAttempt>): EvalAttempt => ({
  caseId: hostile,
  repeat: 0,
  status: 'fail',
  scores: [{ scorer: `exact${hostile}`, score: 0, pass: false, reason: hostile }],
  text: '',
  totalTokens: 0,
  costUsd: '0',
  latencyMs: 0,
  tags: [],
  ...extra,
});

describe('eval reports attacked with bidirectional controls', () => {
  it('formatSummary prints none of them, for a failed and an errored attempt', () => {
    const attempts = [
      attempt({}),
      attempt({
        status: 'error',
        scores: [],
        error: { name: 'Error', kind: 'threw', message: hostile } as never,
      }),
    ];
    const result: EvalResult = {
      format: 'gemloop-eval',
      version: 1,
      name: `suite${hostile}`,
      mode: 'replay',
      startedAt: '2026-11-27T00:00:00.000Z',
      attempts,
      summary: summarizeAttempts(attempts),
    };
    const text = formatSummary(result);
    expect(text).toContain('refund');
    expect(text).not.toMatch(bidi);
  });

  it('formatCanary prints none of them in a case id, a model name, a trajectory or a reason', () => {
    const side = (model: string) => ({
      model,
      runs: 1,
      errors: 1,
      trajectories: [{ calls: hostile, count: 1 }],
      meanCostUsd: 0,
      meanLatencyMs: 0,
      meanTokens: 0,
    });
    const item: CanaryCase = {
      caseId: hostile,
      status: 'unjudged',
      reason: hostile,
      from: side(`a${hostile}`),
      to: side(`b${hostile}`),
      costDeltaUsd: 0,
      latencyDeltaMs: 0,
      requirements: [],
    } as never;
    const result: CanaryResult = {
      format: 'gemloop-canary',
      version: 1,
      from: `a${hostile}`,
      to: `b${hostile}`,
      k: 1,
      alpha: 0.01,
      requirementAlpha: 0.05,
      cases: [item],
      changed: 0,
      regressions: 0,
      unjudged: 1,
      passed: false,
      costDeltaUsd: 0,
      latencyDeltaMs: 0,
    };
    const text = formatCanary(result);
    expect(text).toContain('refund');
    expect(text).not.toMatch(bidi);
  });
});
