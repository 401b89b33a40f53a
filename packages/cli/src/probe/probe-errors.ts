import type { ProbeSteps } from './probe-steps.ts';
import type { ProbeAuth } from './probe-types.ts';
import {
  googleErrorProblem,
  googleStatusOf,
  isGoogleErrorBody,
  retryDelayOf,
} from './read-probe-answer.ts';

/**
 * The text of the probe's rate-limit request. A server that answers it with 429 has its error
 * checked for RetryInfo; tests make the fake Gemini answer 429 to it with a fault rule.
 */
export const PROBE_RATE_LIMIT_TEXT = 'gemloop probe: rate-limit check. Reply with OK.';

const MISSING_MODEL = 'gemloop-probe-no-such-model';

/**
 * The probe's error lines: Google's error body (for an unknown model), and `RetryInfo` when the
 * server answers the rate-limit request with a 429, as its status or as the error in its body.
 * @internal
 */
export async function probeErrors(
  { send, record, ask }: ProbeSteps,
  auth: ProbeAuth,
): Promise<void> {
  // The error body of an unknown model.
  const missing = await send('generateContent', ask('Hi'), auth, '', MISSING_MODEL);
  if (missing.status > 0 && missing.status < 400 && isGoogleErrorBody(missing.json)) {
    record(
      'error-body',
      'fail',
      `the error came with HTTP ${missing.status} (${googleStatusOf(missing.json)} in the body)`,
      'error-body/status-200',
    );
  } else {
    const errorShape = googleErrorProblem(missing);
    record(
      'error-body',
      errorShape === undefined ? 'pass' : 'fail',
      errorShape === undefined ? `${missing.status} ${googleStatusOf(missing.json)}` : errorShape,
    );
  }

  // RetryInfo, when the server answers 429 (or a 429 error object with another status).
  const limited = await send('generateContent', ask(PROBE_RATE_LIMIT_TEXT), auth);
  const limitedInBody = limited.status !== 429 && isGoogleErrorBody(limited.json, 429);
  if (limited.status !== 429 && !limitedInBody) {
    record(
      'retry-info',
      'skip',
      `the server did not answer 429 (got ${limited.status || limited.failure}); RetryInfo not checked`,
    );
  } else if (!limitedInBody && googleErrorProblem(limited) !== undefined) {
    record('retry-info', 'skip', 'the 429 body is not a Google error body (see error-body)');
  } else {
    const delay = retryDelayOf(limited.json);
    const retryAfter = limited.headers.get('retry-after');
    const where = limitedInBody
      ? ` (a 429 error in a ${limited.status} body; gemloop reads it)`
      : '';
    if (delay !== undefined) record('retry-info', 'pass', `retryDelay ${delay}${where}`);
    else if (retryAfter !== null)
      record(
        'retry-info',
        'pass',
        `no RetryInfo, but Retry-After: ${retryAfter} (gemloop honours it)`,
      );
    else record('retry-info', 'fail', 'the 429 has no RetryInfo detail and no Retry-After header');
  }
}
