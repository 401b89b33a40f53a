import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { hasRegisteredOtel } from './create-telemetry-observer.ts';
import { readSemconvDialect } from './semconv-dialect.ts';

// Without a provider passed or registered, gemloop must not even load @opentelemetry/api: the
// mock below counts every import of it (static or dynamic) and every tracer a provider makes.
const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock('@opentelemetry/api', async (importOriginal) => {
  loads.count++;
  return importOriginal();
});

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('telemetry off', () => {
  it('does no tracing work when no provider is registered or passed', async () => {
    expect(hasRegisteredOtel()).toBe(false);
    const fake = createFakeGemini({
      script: [turn.call('noop', {}), turn.text('Done.'), turn.text('Again.')],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'k', retry: false }),
      model: 'gemini-2.5-flash',
      name: 'quiet',
      tools: [
        {
          kind: 'function',
          name: 'noop',
          description: 'Does nothing.',
          declaration: { name: 'noop', description: 'Does nothing.' },
          parseArgs: (args: unknown) => ({ success: true, value: args }),
          execute: () => ({ ok: true }),
        },
      ],
    });
    const result = await agent.run('Go');
    expect(result.text).toBe('Done.');
    const stream = agent.stream('Again');
    for await (const _event of stream) {
      // drain
    }
    expect((await stream.result).text).toBe('Again.');
    expect(loads.count).toBe(0);
  });

  it('never calls a provider with telemetry: false, even one that is passed', async () => {
    const fake = createFakeGemini({ script: [turn.text('Hi.')] });
    fakes.push(fake);
    const { url } = await fake.listen();
    const getTracer = vi.fn();
    const getMeter = vi.fn();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'k', retry: false }),
      model: 'gemini-2.5-flash',
      telemetry: false,
    });
    await agent.run('Hi');
    const traced = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'k', retry: false }),
      model: 'gemini-2.5-flash',
      telemetry: { tracerProvider: { getTracer } as never, meterProvider: { getMeter } as never },
    });
    expect(getTracer).not.toHaveBeenCalled();
    expect(traced.model).toBe('gemini-2.5-flash');
    expect(loads.count).toBe(0);
  });
});

describe('OTEL_SEMCONV_STABILITY_OPT_IN', () => {
  it('selects the latest conventions with gen_ai_latest_experimental, else v1.36.0', () => {
    expect(readSemconvDialect(undefined)).toBe('v1.36.0');
    expect(readSemconvDialect('')).toBe('v1.36.0');
    expect(readSemconvDialect('http')).toBe('v1.36.0');
    expect(readSemconvDialect('http, gen_ai_latest_experimental')).toBe('latest');
    expect(readSemconvDialect('gen_ai_latest_experimental')).toBe('latest');
  });
});
