import { describe, expect, it } from 'vitest';
import { VertexAuthError } from '../../errors/vertex-auth-error.ts';
import { createVertexTokenSource } from './create-vertex-token-source.ts';
import type { VertexAccessToken } from './vertex-options.ts';

const MINUTE = 60_000;

/** A token source over a scripted token function and a clock the test moves. */
function source(answers: (() => unknown)[]) {
  const clock = { now: Date.UTC(2026, 10, 26) };
  const seen: string[] = [];
  let calls = 0;
  const tokens = createVertexTokenSource({
    getAccessToken: async () => {
      const answer = answers[Math.min(calls, answers.length - 1)] as () => unknown;
      calls += 1;
      return answer() as string | VertexAccessToken;
    },
    onToken: (token) => seen.push(token),
    now: () => clock.now,
  });
  return { tokens, clock, seen, calls: () => calls };
}

describe('createVertexTokenSource', () => {
  it('caches a token until five minutes before it expires, then asks again', async () => {
    const { tokens, clock, calls } = source([
      () => ({ token: 'first', expiresAt: clock.now + 30 * MINUTE }),
      () => ({ token: 'second', expiresAt: new Date(clock.now + 60 * MINUTE) }),
    ]);
    expect(await tokens.token()).toBe('first');
    clock.now += 24 * MINUTE;
    expect(await tokens.token()).toBe('first');
    clock.now += 1 * MINUTE;
    expect(await tokens.token()).toBe('second');
    expect(calls()).toBe(2);
  });

  it('takes a plain string, or a token without a readable expiry, as living one hour', async () => {
    for (const first of [
      'plain',
      { token: 'plain' },
      { token: 'plain', expiresAt: new Date('x') },
      { token: 'plain', expiresAt: Number.NaN },
    ]) {
      const { tokens, clock, calls } = source([() => first, () => 'next']);
      expect(await tokens.token()).toBe('plain');
      clock.now += 54 * MINUTE;
      expect(await tokens.token()).toBe('plain');
      clock.now += 1 * MINUTE;
      expect(await tokens.token()).toBe('next');
      expect(calls()).toBe(2);
    }
  });

  it('uses a token that is already due once per call rather than asking in a loop', async () => {
    const { tokens, calls } = source([() => ({ token: 'due', expiresAt: 0 })]);
    expect(await tokens.token()).toBe('due');
    expect(await tokens.token()).toBe('due');
    expect(calls()).toBe(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    let release: (token: string) => void = () => {};
    const { tokens, calls } = source([() => new Promise<string>((resolve) => (release = resolve))]);
    const waiting = [tokens.token(), tokens.token(), tokens.token()];
    release('shared');
    expect(await Promise.all(waiting)).toEqual(['shared', 'shared', 'shared']);
    expect(calls()).toBe(1);
  });

  it('asks again after invalidate (a 401)', async () => {
    const { tokens, calls } = source([() => 'old', () => 'new']);
    expect(await tokens.token()).toBe('old');
    tokens.invalidate();
    expect(await tokens.token()).toBe('new');
    expect(calls()).toBe(2);
  });

  it('hands every new token to onToken (for redaction) before returning it', async () => {
    const { tokens, seen } = source([() => 'ya29.secret']);
    await tokens.token();
    expect(seen).toEqual(['ya29.secret']);
  });

  it('refuses empty, blank, multi-line and header-breaking tokens without showing them', async () => {
    const bad = [
      () => '',
      () => '   ',
      () => 'ya29.abc\r\nX-Injected: 1',
      () => 'ya29.\u200babc',
      () => 'ya29.\u2019abc\u2019',
      () => null,
      () => ({ token: 42 }),
      () => ({}),
      () => 42,
    ];
    for (const answer of bad) {
      const { tokens, seen } = source([answer]);
      const error = await tokens.token().catch((thrown: unknown) => thrown);
      expect(VertexAuthError.isInstance(error), String(answer)).toBe(true);
      expect((error as VertexAuthError).reason).toBe('token-function');
      expect((error as Error).message).not.toContain('Injected');
      expect(seen).toEqual([]);
    }
  });

  it('wraps what the token function throws, keeping the cause, and asks again on the next call', async () => {
    const failure = new Error('metadata server down');
    const { tokens, calls } = source([
      () => {
        throw failure;
      },
      () => 'recovered',
    ]);
    const error = await tokens.token().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: 'token-function', cause: failure });
    expect((error as Error).message).toContain('metadata server down');
    expect(await tokens.token()).toBe('recovered');
    expect(calls()).toBe(2);
  });

  it('passes a VertexAuthError the function throws through as it is', async () => {
    const own = new VertexAuthError({ reason: 'credentials', message: 'log in' });
    const { tokens } = source([
      () => {
        throw own;
      },
    ]);
    await expect(tokens.token()).rejects.toBe(own);
  });

  it('gives up waiting when the signal aborts, and the next call asks again instead of waiting on a hung function', async () => {
    const { tokens, calls } = source([() => new Promise<string>(() => {}), () => 'fresh']);
    const controller = new AbortController();
    const waiting = tokens.token(controller.signal);
    const reason = new Error('attempt timed out');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(await tokens.token()).toBe('fresh');
    expect(calls()).toBe(2);
  });

  it('rejects at once for an already aborted signal', async () => {
    const { tokens } = source([() => 'token']);
    const reason = new Error('gone');
    await expect(tokens.token(AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
