import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbeFake } from '../__fixtures__/probe-fake.ts';
import { type Mangling, startManglingProxy } from '../__fixtures__/start-mangling-proxy.ts';
import { runProbe } from './run-probe.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A gateway whose answer to the first (x-goog-api-key) request is `write`'s; the rest are faithful. */
async function gatewayWhoseFirstAnswer(write: (response: ServerResponse) => void) {
  const fake = await startProbeFake();
  let first = true;
  const mangling: Mangling = {
    raw: (response) => {
      if (!first) return false;
      first = false;
      write(response);
      return true;
    },
  };
  const proxy = await startManglingProxy(fake.baseUrl, mangling);
  closers.push(proxy.close, () => fake.close());
  return proxy;
}

describe('runProbe bounds each answer', () => {
  it('stops reading a body past maxAnswerBytes and fails that line naming the bound', async () => {
    let sent = 0;
    const proxy = await gatewayWhoseFirstAnswer((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // An endless body: without the cap the probe would buffer until memory runs out.
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk)) sent += chunk.length;
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    const report = await runProbe({
      baseUrl: proxy.url,
      apiKey: 'probe-key',
      maxAnswerBytes: 100_000,
    });
    const line = report.records.find((record) => record.id === 'auth-x-goog-api-key');
    expect(line?.status).toBe('fail');
    expect(line?.detail).toMatch(/passed 100000 bytes \(maxAnswerBytes\)/);
    // The body was cancelled, not read to the end: the gateway stopped being able to write.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    // The other lines went on.
    expect(report.records.find((record) => record.id === 'auth-bearer')?.status).toBe('pass');
  });

  it('ends a body that drips forever at timeoutMs, body included, and names the bound', async () => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const proxy = await gatewayWhoseFirstAnswer((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{');
      // Headers came at once; the body never ends (a byte every 20 ms).
      timer = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(timer));
    });
    closers.push(async () => clearInterval(timer));
    const report = await runProbe({ baseUrl: proxy.url, apiKey: 'probe-key', timeoutMs: 1500 });
    const line = report.records.find((record) => record.id === 'auth-x-goog-api-key');
    expect(line?.status).toBe('fail');
    expect(line?.detail).toMatch(/within 1500 ms \(timeoutMs, the body included\)/);
    expect(report.records.find((record) => record.id === 'auth-bearer')?.status).toBe('pass');
  });

  it('refuses a bound that is not a positive integer', async () => {
    await expect(
      runProbe({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', maxAnswerBytes: 0 }),
    ).rejects.toThrow(/maxAnswerBytes must be a positive integer/);
    await expect(
      runProbe({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', timeoutMs: Number.NaN }),
    ).rejects.toThrow(/timeoutMs must be a positive integer/);
  });
});
