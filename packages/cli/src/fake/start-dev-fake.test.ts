import { describe, expect, it } from 'vitest';
import { parseFakeFlags } from './parse-fake-flags.ts';
import { startDevFake } from './start-dev-fake.ts';

describe('startDevFake (the `gemloop fake` server)', () => {
  it('keeps only the latest 1,000 requests, so hours of serving do not grow its memory', async () => {
    const dev = await startDevFake(parseFakeFlags({ port: '0' }, []), { cwd: process.cwd() });
    try {
      const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
      for (let call = 0; call < 1_003; call++) {
        const response = await dev.fake.fetch(
          `${dev.url}/v1beta/models/gemini-2.5-flash:generateContent`,
          { method: 'POST', headers: { 'x-goog-api-key': 'fake' }, body },
        );
        expect(response.status).toBe(200);
        await response.text();
      }
      expect(dev.fake.requests).toHaveLength(1_000);
      expect(dev.fake.requests[0]?.index).toBe(3);
      expect(dev.fake.lastRequest?.index).toBe(1_002);
    } finally {
      await dev.close();
    }
  });
});
