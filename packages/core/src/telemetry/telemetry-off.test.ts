import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { hasRegisteredOtel } from './create-telemetry-observer.ts';
import { readSemconvDialect } from './semconv-dialect.ts';

// Without a provider passed or registered, gemloop must not even load @opentelemetry/api: the
// mock below counts every import of it (static or dynamic) and every tracer a provider makes.
const loads = vi.hoisted(() => ({ count: 0, observation: 0 }));
vi.mock('@opentelemetry/api', async (importOriginal) => {
  loads.count++;
  return importOriginal();
});
// Nor load the observation's code (starting observers, redacting what they see): a run that no
// observer follows never needs it (issue 53: a run's modules, the agent app's bundle).
vi.mock('../agent/loop/run/observe-run.ts', async (importOriginal) => {
  loads.observation++;
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
    expect(loads.observation).toBe(0);
  });

  it('runs with telemetry: false without tracing, even with a provider registered globally', async () => {
    const fake = createFakeGemini({ script: [turn.text('Hi.'), turn.text('Traced.')] });
    fakes.push(fake);
    const { url } = await fake.listen();
    // A provider in @opentelemetry/api's global slot, written there directly (registering it
    // through the API would load the API): `hasRegisteredOtel()` sees it, so an agent that
    // ignored `telemetry: false` would load the API and ask this provider for a tracer.
    const getTracer = vi.fn();
    const getMeter = vi.fn();
    const slot = Symbol.for('opentelemetry.js.api.1');
    const globals = globalThis as Record<symbol, unknown>;
    globals[slot] = { version: '1.9.1', trace: { getTracer }, metrics: { getMeter } };
    try {
      expect(hasRegisteredOtel()).toBe(true);
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'k', retry: false }),
        model: 'gemini-2.5-flash',
        telemetry: false,
      });
      const result = await agent.run('Hi');
      expect(result.text).toBe('Hi.');
      expect(getTracer).not.toHaveBeenCalled();
      expect(getMeter).not.toHaveBeenCalled();
      expect(loads.count).toBe(0);
      expect(loads.observation).toBe(0);
    } finally {
      delete globals[slot];
    }

    // The control: the same kind of run with a provider passed is traced, so the checks above
    // would see tracing if `telemetry: false` were ignored. Loaded last: the SDK imports the API.
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import(
      '@opentelemetry/sdk-trace-base'
    );
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const traced = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'k', retry: false }),
      model: 'gemini-2.5-flash',
      telemetry: { tracerProvider },
    });
    expect((await traced.run('Hi again')).text).toBe('Traced.');
    expect(exporter.getFinishedSpans().map((span) => span.name)).toContain('invoke_agent');
    // The traced run loaded it, on its first use.
    expect(loads.observation).toBe(1);
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
