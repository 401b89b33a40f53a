import { InvalidArgumentError } from '@gemloop/core';
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
  'field-names',
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

  it('hands each line to onRecord as its check finishes, sanitised, before the next request', async () => {
    const fake = await startProbeFake(['refuse-bearer']);
    fakes.push(fake);
    let sent = 0;
    const seen: { id: ProbePropertyId; status: string; detail: string; afterRequests: number }[] =
      [];
    const report = await runProbe({
      baseUrl: fake.baseUrl,
      apiKey: 'probe-key',
      fetch: (input, init) => {
        sent++;
        return fetch(input, init);
      },
      onRecord: ({ id, status, detail }) => seen.push({ id, status, detail, afterRequests: sent }),
    });
    // The first line comes after the first request, not after the whole probe.
    expect(seen.slice(0, 2).map(({ id, afterRequests }) => [id, afterRequests])).toEqual([
      ['auth-x-goog-api-key', 1],
      ['auth-bearer', 2],
    ]);
    expect(seen[1]?.status).toBe('fail');
    // Every line of the report, each once, as the report has it (the report keeps its own order).
    expect(seen.map(({ id }) => id).sort()).toEqual([...ALL].sort());
    for (const line of seen) {
      expect(line.detail).toBe(report.records.find((record) => record.id === line.id)?.detail);
    }
  });

  it('refuses a timeoutMs past the longest timer, which Node would fire at once', async () => {
    await expect(
      runProbe({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', timeoutMs: 2 ** 31 }),
    ).rejects.toThrow(/timeoutMs must be an integer from 1 to 2147483647; got 2147483648\./);
    await expect(
      runProbe({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', onRecord: 'yes' as never }),
    ).rejects.toThrow(/onRecord must be a function/);
  });

  it('refuses bad options before any request', async () => {
    await expect(runProbe({ baseUrl: 'ftp://x', apiKey: 'k' })).rejects.toThrow(/http\(s\) URL/);
    await expect(runProbe({ baseUrl: 'http://127.0.0.1:1', apiKey: '' })).rejects.toThrow(
      /apiKey is required/,
    );
  });

  it('refuses a key no header can carry by position, never showing it, instead of blaming the gateway', async () => {
    // A zero-width space copied with the key: fetch refused every request, and both auth lines
    // said the gateway gave no answer.
    const key = 'AIzaSy\u200bprobe-secret-0123';
    const error = await runProbe({ baseUrl: 'http://127.0.0.1:1', apiKey: key }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('U+200B at position 7');
    expect((error as Error).message).not.toContain('probe-secret');
    await expect(
      runProbe({ baseUrl: 'http://127.0.0.1:1', apiKey: 'AIzaSy probe-secret\n' }),
    ).rejects.toThrow(/apiKey contains whitespace or a line break/);
  });

  it('refuses a key wrapped in quotes (docker --env-file keeps them) before asking the gateway', async () => {
    const error = await runProbe({
      baseUrl: 'http://127.0.0.1:1',
      apiKey: '"AIzaSy-probe-secret-0123"',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('wrapped in quotes');
    expect((error as Error).message).toContain('docker --env-file');
    expect(JSON.stringify(error)).not.toContain('probe-secret');
    expect((error as Error).message).not.toContain('probe-secret');
  });
});
