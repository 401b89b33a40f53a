import { describe, expect, it } from 'vitest';
import { countOptionReads } from './count-option-reads.ts';
import { createFakeGemini } from './create-fake-gemini.ts';
import { turn } from './script/fake-turn.ts';

// attack20: createFakeGemini checked its options and then read them again as it served, so a
// getter (or a Proxy) could give the check `chunkSize: 8` and the server 0, or `apiKeys` one list
// and the auth check another. Each option is a getter here that counts its reads: making the
// fake and serving two requests read each once.

describe('createFakeGemini reads each option once', () => {
  it('reads each of its options once while serving', async () => {
    const { options, reads } = countOptionReads({
      script: () => turn.text('ok'),
      apiKeys: ['test-key-12345678'],
      chunkSize: 8,
      latencyMs: 0,
      seed: 7,
      modelVersion: 'gemini-2.5-flash-001',
      prettyJson: false,
      now: Date.now,
    });
    await using fake = createFakeGemini(options);
    for (let index = 0; index < 2; index++) {
      const response = await fake.fetch(
        'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key-12345678' },
          body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
        },
      );
      expect(response.status).toBe(200);
    }
    expect(Object.entries(reads).filter(([, count]) => count > 1)).toEqual([]);
  });
});
