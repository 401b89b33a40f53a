import type { FakeGatewayMistake, FakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbeFake } from '../__fixtures__/probe-fake.ts';
import type { ProbePropertyId } from './probe-types.ts';
import { runProbe } from './run-probe.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function probe(mistakes: FakeGatewayMistake[] = [], auth?: 'bearer') {
  const fake = await startProbeFake(mistakes);
  fakes.push(fake);
  return { fake, report: await runProbe({ baseUrl: fake.baseUrl, apiKey: 'probe-key', auth }) };
}

const ALL: ProbePropertyId[] = [
  'auth-x-goog-api-key',
  'auth-bearer',
  'alt-sse',
  'sse-framing',
  'stream-chunks',
  'finish-reasons',
  'function-call-ids',
  'thought-signature-round-trip',
  'parallel-calls',
  'search-with-functions',
  'json-schema',
  'system-instruction',
  'usage-fields',
  'error-body',
  'retry-info',
];

describe('runProbe against the fake Gemini', () => {
  it('passes every property against a conforming server, one record each, in order', async () => {
    const { report, fake } = await probe();
    expect(report.records.map((record) => record.id)).toEqual(ALL);
    expect(report.records.filter((record) => record.status !== 'pass')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.records.every((record) => record.workaround === undefined)).toBe(true);
    // A fixed, small set of requests; the key never leaves the headers.
    expect(fake.requests.length).toBeLessThanOrEqual(12);
    expect(JSON.stringify(report)).not.toContain('probe-key');
  });

  const cases: [FakeGatewayMistake, ProbePropertyId, RegExp][] = [
    ['refuse-x-goog-api-key', 'auth-x-goog-api-key', /refused: 401/],
    ['refuse-bearer', 'auth-bearer', /refused: 401/],
    ['ignore-alt-sse', 'alt-sse', /application\/json/],
    ['trailing-done', 'sse-framing', /\[DONE\]/],
    ['openai-chunks', 'sse-framing', /chat\.completion\.chunk/],
    ['drop-call-ids', 'function-call-ids', /without its id/],
    ['signatures-in-text', 'thought-signature-round-trip', /moved onto a text part/],
    ['openai-error-body', 'error-body', /lacks code \(number\), status/],
    ['no-retry-info', 'retry-info', /no RetryInfo/],
  ];
  for (const [mistake, property, detail] of cases) {
    it(`fails exactly ${property} when the gateway makes the mistake '${mistake}'`, async () => {
      const { report } = await probe([mistake]);
      const failed = report.records.filter((record) => record.status === 'fail');
      expect(failed.map((record) => record.id)).toEqual([property]);
      expect(failed[0]?.detail).toMatch(detail);
      expect(failed[0]?.workaround).toMatch(/Works around|Cannot/);
      expect(report.ok).toBe(false);
    });
  }

  it('uses the other auth header for the later checks when the preferred one is refused', async () => {
    const { report } = await probe(['refuse-bearer'], 'bearer');
    expect(report.auth).toBe('x-goog-api-key');
    expect(report.records.filter((record) => record.status === 'fail').map((r) => r.id)).toEqual([
      'auth-bearer',
    ]);
  });

  it('skips what a Gemini 2.5 model cannot show, instead of failing it', async () => {
    const fake = await startProbeFake();
    fakes.push(fake);
    const report = await runProbe({
      baseUrl: fake.baseUrl,
      apiKey: 'probe-key',
      model: 'gemini-2.5-flash',
    });
    const skipped = report.records.filter((record) => record.status === 'skip').map((r) => r.id);
    expect(skipped).toEqual([
      'function-call-ids',
      'thought-signature-round-trip',
      'search-with-functions',
    ]);
    expect(report.ok).toBe(true);
  });

  it('refuses bad options before any request', async () => {
    await expect(runProbe({ baseUrl: 'ftp://x', apiKey: 'k' })).rejects.toThrow(/http\(s\) URL/);
    await expect(runProbe({ baseUrl: 'http://127.0.0.1:1', apiKey: '' })).rejects.toThrow(
      /apiKey is required/,
    );
  });
});
