import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listenForTest } from '../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from './__fixtures__/serve-openai.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// scrub48 (issue 53): the chat completions door scrubbed the whole run result (the client's
// whole history too) to send its text, finish reason and usage. Past the walk's 10,000 objects the
// rest of it, `usage` too, was not checked, and its tokens went out as null. Now only what a
// completion carries is walked; a key in it still never reaches the client.

const GEMINI_KEY = 'gemini-secret-key';
const model = 'support-agent';

async function serve() {
  const fake = createFakeGemini({
    script: () => turn.text(`answer (key=${GEMINI_KEY}) ${'y'.repeat(300)}`),
  });
  onTestFinished(() => fake.close());
  const gemini = createGemini({ apiKey: GEMINI_KEY, retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const handler = createOpenAIHandler({ agents: { [model]: agent }, authorize: authorizeByKey });
  const base = await listenForTest(handler);
  return async (stream: boolean, earlier: number) => {
    const messages = [
      ...Array.from({ length: earlier }, (_, index) => ({
        role: index % 2 === 0 ? 'user' : 'assistant',
        content: `turn ${index}`,
      })),
      { role: 'user', content: 'And now?' },
    ];
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        messages,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      }),
    });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(200);
    return text;
  };
}

/** The usage a body carries: the JSON one's, or the streamed usage chunk's. */
function usageOf(text: string, stream: boolean): Record<string, unknown> {
  if (!stream) return (JSON.parse(text) as { usage: Record<string, unknown> }).usage;
  const frames = text
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice('data: '.length)) as { usage?: unknown });
  return frames.findLast((frame) => frame.usage != null)?.usage as Record<string, unknown>;
}

describe('the chat completions door scans what it sends (scrub48)', () => {
  for (const stream of [false, true]) {
    const how = stream ? 'streamed' : 'unary';
    it(`${how}: a key in the answer never reaches the client`, async () => {
      const send = await serve();
      const text = await send(stream, 2);
      expect(text).not.toContain(GEMINI_KEY);
      expect(text).toContain('[redacted]');
    });

    it(`${how}: past the walk's 10,000 objects, the usage still counts its tokens`, async () => {
      const send = await serve();
      // 4,000 earlier messages (three objects each in the result's contents): 12,000 objects.
      const text = await send(stream, 4000);
      expect(text).not.toContain(GEMINI_KEY);
      const usage = usageOf(text, stream);
      expect(typeof usage['prompt_tokens']).toBe('number');
      expect(typeof usage['completion_tokens']).toBe('number');
      expect(typeof usage['total_tokens']).toBe('number');
    });
  }
});
