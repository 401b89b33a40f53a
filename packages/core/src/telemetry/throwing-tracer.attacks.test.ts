import { inspect } from 'node:util';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Logger } from '../logging/logger.ts';
import type { TelemetryOptions } from './telemetry-options.ts';

// leftovers36 (noticed by attack29): providers whose getTracer/getMeter work but hand back a tracer,
// meter or span whose every property read throws (a Proxy, a half-torn-down SDK). Telemetry never
// broke the run, but said nothing either: every run went untraced in silence. The agent now says
// once, through its logger, that its telemetry failed and where, without the error's words (they
// are the provider's, and may carry anything).

const SECRET = 'sk-provider-secret-0123456789';

function exploding(): object {
  const fail = (): never => {
    throw new Error(`provider exploded: token=${SECRET}`);
  };
  return new Proxy({}, { get: fail, has: fail, apply: fail, ownKeys: fail });
}

/** A real-looking span whose every read throws, from a tracer that works. */
const spanExploding = {
  getTracer: () => ({ startSpan: () => exploding(), startActiveSpan: () => exploding() }),
};

const cases: [string, TelemetryOptions][] = [
  [
    'a tracer and a meter that throw on every read',
    {
      tracerProvider: { getTracer: () => exploding() } as never,
      meterProvider: { getMeter: () => exploding() } as never,
    },
  ],
  ['only a tracer that throws', { tracerProvider: { getTracer: () => exploding() } as never }],
  ['spans that throw on every read', { tracerProvider: spanExploding as never }],
];

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function recordingLogger(): { logger: Logger; lines: { level: string; args: unknown[] }[] } {
  const lines: { level: string; args: unknown[] }[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) =>
      lines.push({ level, args });
  const logger: Logger = {
    child: () => logger,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

describe('an agent whose telemetry throws on every read', () => {
  it.each(cases)('%s: every run ends as without telemetry, said once', async (_, telemetry) => {
    const fake = createFakeGemini({ script: () => turn.text('fine') });
    fakes.push(fake);
    const { url } = await fake.listen();
    const { logger, lines } = recordingLogger();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry: false }),
      model: 'gemini-2.5-flash',
      telemetry,
      logger,
    });
    expect((await agent.run('Hi')).text).toBe('fine');
    expect((await agent.run('Again')).text).toBe('fine');
    let streamed = '';
    for await (const event of agent.stream('Stream')) {
      if (event.type === 'text-delta') streamed += event.text;
    }
    expect(streamed).toBe('fine');
    const said = lines.filter(({ level }) => level === 'warn' || level === 'error');
    expect(said).toHaveLength(1);
    const shown = inspect(said, { depth: Number.POSITIVE_INFINITY });
    expect(shown).toMatch(/telemetry/);
    expect(shown).toContain('Error');
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain('provider exploded');
  });
});
