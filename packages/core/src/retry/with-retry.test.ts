import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy } from './retry-policy.ts';
import { type RetryEvent, withRetry } from './with-retry.ts';

afterEach(() => vi.useRealTimers());

function apiError(options: {
  status?: number;
  isRetryable: boolean;
  retryDelayMs?: number;
  attempt?: number;
}) {
  return new ApiCallError({
    message: `failed ${options.status ?? 'network'}`,
    url: 'https://example.test/v1beta/models/m:generateContent',
    method: 'generateContent',
    ...options,
  });
}

const fast = resolveRetryPolicy(
  { initialDelayMs: 1, jitter: false },
  DEFAULT_RETRY_POLICY,
  'retry',
);

describe('withRetry', () => {
  it('returns the first success and passes the attempt number', async () => {
    const attempts: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw apiError({ status: 503, isRetryable: true, attempt });
        return 'done';
      },
      { policy: fast },
    );
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('throws the last error itself once retries are spent (no wrapper)', async () => {
    const errors: ApiCallError[] = [];
    const thrown = await withRetry(
      async (attempt) => {
        const error = apiError({ status: 500, isRetryable: true, attempt });
        errors.push(error);
        throw error;
      },
      { policy: { ...fast, maxRetries: 2 } },
    ).catch((error: unknown) => error);
    expect(errors).toHaveLength(3);
    expect(thrown).toBe(errors[2]);
  });

  it('does not retry a non-retryable error or a foreign error', async () => {
    for (const error of [apiError({ status: 400, isRetryable: false }), new RangeError('bug')]) {
      const attempt = vi.fn(async () => {
        throw error;
      });
      await expect(withRetry(attempt, { policy: fast })).rejects.toBe(error);
      expect(attempt).toHaveBeenCalledOnce();
    }
  });

  it('waits the server delay exactly, and backoff otherwise, reporting each wait', async () => {
    vi.useFakeTimers();
    const events: RetryEvent[] = [];
    const times: number[] = [];
    const promise = withRetry(
      async (attempt) => {
        times.push(Date.now());
        if (attempt === 1) throw apiError({ status: 429, isRetryable: true, retryDelayMs: 7_000 });
        if (attempt === 2) throw apiError({ status: 503, isRetryable: true });
        return 'ok';
      },
      {
        policy: { ...DEFAULT_RETRY_POLICY, jitter: false },
        onRetry: (event) => events.push(event),
      },
    );
    await vi.runAllTimersAsync();
    await expect(promise).resolves.toBe('ok');
    expect(
      events.map(({ delayMs, isServerDelay, attempt }) => ({ delayMs, isServerDelay, attempt })),
    ).toEqual([
      { delayMs: 7_000, isServerDelay: true, attempt: 1 },
      { delayMs: 2_000, isServerDelay: false, attempt: 2 },
    ]);
    expect([(times[1] ?? 0) - (times[0] ?? 0), (times[2] ?? 0) - (times[1] ?? 0)]).toEqual([
      7_000, 2_000,
    ]);
  });

  it('fails at once, keeping every field, when the server delay is over the cap', async () => {
    const original = apiError({ status: 429, isRetryable: true, retryDelayMs: 90_000, attempt: 1 });
    const attempt = vi.fn(async () => {
      throw original;
    });
    const thrown = (await withRetry(attempt, { policy: DEFAULT_RETRY_POLICY }).catch(
      (error: unknown) => error,
    )) as ApiCallError;
    expect(attempt).toHaveBeenCalledOnce();
    expect(ApiCallError.isInstance(thrown)).toBe(true);
    expect(thrown.retryDelayMs).toBe(90_000);
    expect(thrown.status).toBe(429);
    expect(thrown.attempt).toBe(1);
    expect(thrown.message).toContain('more than retry.maxServerDelayMs (60 s)');
  });

  it('rejects with the abort reason when aborted before the first attempt', async () => {
    const attempt = vi.fn(async () => 'never');
    const reason = new Error('cancelled');
    await expect(
      withRetry(attempt, { policy: fast, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    await expect(
      withRetry(attempt, { policy: { ...fast, maxRetries: 0 }, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(attempt).not.toHaveBeenCalled();
  });
});
