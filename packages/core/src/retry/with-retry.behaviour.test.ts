import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { computeBackoffDelay } from './compute-backoff-delay.ts';
import { DEFAULT_RETRY_POLICY, NO_RETRIES, type RetryPolicy } from './retry-policy.ts';
import { type RetryEvent, retryAfter, withRetry } from './with-retry.ts';

afterEach(() => vi.useRealTimers());

const retryable = (attempt?: number, retryDelayMs?: number) =>
  new ApiCallError({
    message: 'HTTP 503',
    url: 'https://example.test/v1beta/models/m:generateContent',
    method: 'generateContent',
    status: 503,
    isRetryable: true,
    attempt,
    retryDelayMs,
  });

const instant: RetryPolicy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 0, jitter: false };

describe('withRetry, in more detail', () => {
  it('makes exactly maxRetries + 1 attempts, numbered from 1', async () => {
    for (const maxRetries of [0, 1, 4]) {
      const attempts: number[] = [];
      await withRetry(
        async (attempt) => {
          attempts.push(attempt);
          throw retryable(attempt);
        },
        { policy: { ...instant, maxRetries } },
      ).catch(() => {});
      expect(attempts).toEqual(Array.from({ length: maxRetries + 1 }, (_, index) => index + 1));
    }
  });

  it('makes one attempt with NO_RETRIES and returns its failure as it is', async () => {
    const error = retryable();
    const attempt = vi.fn(async () => {
      throw error;
    });
    await expect(withRetry(attempt, { policy: NO_RETRIES })).rejects.toBe(error);
    expect(attempt).toHaveBeenCalledOnce();
  });

  it('uses the caller’s isRetryable instead of the ApiCallError rule', async () => {
    const flaky = new Error('ECONNRESET');
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw flaky;
        return 'ok';
      },
      { policy: instant, isRetryable: (error) => error === flaky },
    );
    expect(result).toBe('ok');
    const refused = vi.fn(async () => {
      throw retryable();
    });
    await expect(
      withRetry(refused, { policy: instant, isRetryable: () => false }),
    ).rejects.toBeInstanceOf(ApiCallError);
    expect(refused).toHaveBeenCalledOnce();
  });

  it('turns a thrown non-Error into a TypeError that says what was thrown', async () => {
    const thrown = await withRetry(
      async () => {
        throw 'a string';
      },
      { policy: instant, isRetryable: () => false },
    ).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain('"a string"');
  });

  it('stops waiting and rejects with the reason when aborted between attempts', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const attempt = vi.fn(async () => {
      throw retryable();
    });
    const promise = withRetry(attempt, {
      policy: { ...DEFAULT_RETRY_POLICY, jitter: false },
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(500);
    controller.abort(reason);
    expect(await promise).toBe(reason);
    expect(attempt).toHaveBeenCalledOnce();
  });

  it('drops a result that arrives after the caller aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('too late');
    const promise = withRetry(
      async () => {
        controller.abort(reason);
        return 'result nobody waits for';
      },
      { policy: instant, signal: controller.signal },
    );
    await expect(promise).rejects.toBe(reason);
  });

  it('waits a server delay of 0 ms as 0, not as backoff, and reports it as the server’s', async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw retryable(1, 0);
        return 'ok';
      },
      {
        policy: { ...DEFAULT_RETRY_POLICY, jitter: false },
        onRetry: (event) => events.push(event),
      },
    );
    expect(events).toEqual([
      expect.objectContaining({ delayMs: 0, isServerDelay: true, attempt: 1 }),
    ]);
  });

  it('fails at once for any server delay when maxServerDelayMs is 0', async () => {
    const attempt = vi.fn(async () => {
      throw retryable(1, 1);
    });
    const thrown = (await withRetry(attempt, { policy: { ...instant, maxServerDelayMs: 0 } }).catch(
      (error: unknown) => error,
    )) as ApiCallError;
    expect(attempt).toHaveBeenCalledOnce();
    expect(thrown.message).toContain(
      'the server asked to wait 1 ms, more than retry.maxServerDelayMs (0 ms)',
    );
  });
});

describe('retryAfter', () => {
  it('returns the first attempt’s result without calling attempt again', async () => {
    const attempt = vi.fn(async () => 'again');
    await expect(retryAfter(Promise.resolve('first'), attempt, { policy: instant })).resolves.toBe(
      'first',
    );
    expect(attempt).not.toHaveBeenCalled();
  });

  it('retries a failed first attempt from attempt 2', async () => {
    const attempt = vi.fn(async (number: number) => `attempt ${number}`);
    await expect(
      retryAfter(Promise.reject(retryable(1)), attempt, { policy: instant }),
    ).resolves.toBe('attempt 2');
    expect(attempt).toHaveBeenCalledWith(2);
  });
});

describe('computeBackoffDelay, at its bounds', () => {
  it('stays a finite number of milliseconds for any retry number', () => {
    const zeroStart = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 0, jitter: false };
    for (const retry of [1, 10, 1_100, 1_000_000]) {
      const delay = computeBackoffDelay(zeroStart, retry);
      expect(Number.isFinite(delay), `retry ${retry}`).toBe(true);
      expect(delay).toBe(0);
      expect(
        computeBackoffDelay({ ...DEFAULT_RETRY_POLICY, jitter: false }, retry),
      ).toBeLessThanOrEqual(30_000);
    }
  });

  it('never waits longer than maxDelayMs, even with jitter', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxDelayMs: 5_000 };
    for (const retry of [1, 3, 50]) {
      expect(computeBackoffDelay(policy, retry, () => 0.9999)).toBeLessThanOrEqual(5_000);
    }
  });

  it('keeps the delay constant with factor 1', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, factor: 1, jitter: false };
    expect([1, 2, 10].map((retry) => computeBackoffDelay(policy, retry))).toEqual([
      1000, 1000, 1000,
    ]);
  });
});
