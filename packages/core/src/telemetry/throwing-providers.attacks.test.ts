import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';

// attack29's note, leftovers35a: a tracer or meter provider that throws on every property read (a
// Proxy, a half-torn-down SDK, a getter) made `createAgent` throw the provider's own error from the
// option check: an untyped error naming no option, its message whatever the provider said. Now the
// check's read is caught and the error is the option's.

const throwingProvider = (): object =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('provider exploded: token=sk-provider-secret');
      },
      has() {
        throw new Error('provider exploded: token=sk-provider-secret');
      },
    },
  );

const gemini = createGemini({ apiKey: 'test-key', retry: false });

function failure(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error('createAgent did not throw');
}

describe('createAgent with a provider that throws on every read', () => {
  it.each([
    ['tracerProvider', 'getTracer'],
    ['meterProvider', 'getMeter'],
  ] as const)('names telemetry.%s in an InvalidArgumentError', (key, method) => {
    const error = failure(() =>
      createAgent({
        model: 'gemini-2.5-flash',
        gemini,
        telemetry: { [key]: throwingProvider() },
      }),
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: `telemetry.${key}` });
    expect((error as Error).message).toContain(method);
    expect((error as Error).message).not.toContain('sk-provider-secret');
  });
});
