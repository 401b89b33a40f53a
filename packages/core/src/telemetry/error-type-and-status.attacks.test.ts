import type { Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { failSpan } from './otel-run-context.ts';
import { toErrorType } from './to-error-type.ts';

// leftovers78: `error.type` is a metric attribute (a series per value) and a span attribute.
// OpenTelemetry's rule for it: predictable, low cardinality, the canonical class name of a type,
// `_OTHER` when no type is known. A thrown object's `name` is whatever its code set: a name
// holding a key, a name unique per call, a name of a megabyte went to the metric as it came.
const KEY = `AIza${'SyA-B_cdefghijklmnopqrstuvwxyzABCDE'}`;

function thrownNamed(name: unknown): Error {
  const error = new Error('boom');
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

describe('toErrorType: only a class name becomes error.type', () => {
  it('keeps the class names of errors as they are', () => {
    expect(toErrorType(new TypeError('x'))).toBe('TypeError');
    expect(toErrorType(thrownNamed('AbortError'))).toBe('AbortError');
    expect(toErrorType(thrownNamed('java.net.UnknownHostException'))).toBe(
      'java.net.UnknownHostException',
    );
    expect(toErrorType({ name: 'RateLimited$2' })).toBe('RateLimited$2');
  });

  it('takes no key, URL, address or path into the attribute', () => {
    expect(toErrorType(thrownNamed(KEY))).toBe('_OTHER');
    expect(toErrorType(thrownNamed(`BadKey ${KEY}`))).toBe('_OTHER');
    expect(toErrorType(thrownNamed('https://internal.corp/x'))).toBe('_OTHER');
    expect(toErrorType(thrownNamed('ECONNREFUSED 10.0.0.5:5432'))).toBe('_OTHER');
    expect(toErrorType({ name: '/srv/app/secrets.json' })).toBe('_OTHER');
  });

  it('makes no series per call: text, ids and huge names are _OTHER', () => {
    expect(toErrorType(thrownNamed('user 42 asked for order 1733112345678'))).toBe('_OTHER');
    expect(toErrorType(thrownNamed(`Failed_${Date.now()}`))).toBe('_OTHER');
    expect(toErrorType(thrownNamed('e3b0c442-98fc-4c14-9afb-f4c8996fb924'))).toBe('_OTHER');
    expect(toErrorType(thrownNamed('A'.repeat(1_000_000)))).toBe('_OTHER');
    expect(toErrorType(thrownNamed('Error\r\nX-Injected: 1'))).toBe('_OTHER');
    expect(toErrorType(thrownNamed('\ud800Error'))).toBe('_OTHER');
  });

  it('reads a name whose getter throws as no name', () => {
    const hostile = {
      get name(): string {
        throw new Error('no');
      },
    };
    expect(toErrorType(hostile)).toBe('_OTHER');
  });
});

function statusOf(error: unknown): string | undefined {
  let message: string | undefined;
  const span = {
    setAttribute: () => span,
    setStatus: (status: { message?: string }) => {
      message = status.message;
      return span;
    },
  } as unknown as Span;
  failSpan(span, '_OTHER', error);
  return message;
}

describe('failSpan: the status message is redacted, then cut', () => {
  it.each([990, 995, 999])('a key starting at %i keeps none of itself', (at) => {
    const message = statusOf(new Error(`${'x'.repeat(at)} ${KEY} after`));
    expect(message).toBeDefined();
    expect(message).not.toContain(KEY.slice(0, 8));
    expect(message).not.toContain('AIza');
    expect((message ?? '').length).toBeLessThanOrEqual(1001);
  });

  it('still cuts a huge message, and never inside a surrogate pair', () => {
    const message = statusOf(new Error(`${'y'.repeat(999)}😀${'z'.repeat(5000)}`)) ?? '';
    expect(message.length).toBeLessThanOrEqual(1001);
    expect(message).not.toMatch(/[\ud800-\udbff]$/);
    expect(message.startsWith('y'.repeat(999))).toBe(true);
  });
});
