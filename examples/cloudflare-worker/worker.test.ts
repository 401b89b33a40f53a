import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import worker from './worker.ts';

// The worker's own answers, called as Workers call it (the full run in workerd is
// test/runtimes/workerd.test.ts).
describe('the Cloudflare Worker example', () => {
  const fake = createFakeGemini({ script: () => turn.text('Sunny.') });
  let url = '';
  beforeAll(async () => {
    url = (await fake.listen()).url;
  });
  afterAll(() => fake.close());

  it('answers an empty question with 400 (it was sent to the model as an empty text)', async () => {
    for (const query of ['', '?q=', '?q=%20%20']) {
      const response = await worker.fetch(new Request(`http://worker.test/${query}`), {
        GEMINI_API_KEY: 'test-key',
        GEMINI_BASE_URL: url,
      });
      expect(response.status, query).toBe(400);
      expect(await response.text()).toContain('?q=');
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('says how to set a missing key (createGemini threw: a bare exception in Workers)', async () => {
    const response = await worker.fetch(new Request('http://worker.test/?q=hi'), {
      GEMINI_BASE_URL: url,
    } as never);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('wrangler secret put GEMINI_API_KEY');
  });

  it('streams the answer to a question', async () => {
    const response = await worker.fetch(new Request('http://worker.test/?q=Weather%3F'), {
      GEMINI_API_KEY: 'test-key',
      GEMINI_BASE_URL: url,
    });
    expect(await response.text()).toBe('Sunny.');
  });
});
