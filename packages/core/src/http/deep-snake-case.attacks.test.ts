import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from './create-gemini.ts';

// A gateway answering in the proto field names with an unknown field nested 100,000 levels deep
// (`[[[…]]]`, 200 KB: under every size cap, and V8's JSON.parse takes it). The renamer walked it
// recursively: countTokens threw "could not reach gw.test: Maximum call stack size exceeded"
// (the gateway was reached) and a model call failed the step (deep47). The camelCase answer kept
// the field as an unknown key; the snake_case one now reads the same.

const DEPTH = 100_000;
const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;

function gateway(body: string) {
  return createGemini({
    apiKey: 'AIzaSyDeep47SnakeCaseKeyXXXXXXXXXXXXXXXX',
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async () => new Response(body, { headers: { 'content-type': 'application/json' } }),
  });
}

describe('a snake_case answer with a field nested 100,000 deep', () => {
  it('countTokens reads the count', async () => {
    const gemini = gateway(`{"total_tokens":5,"extra_field":${deep}}`);
    const counted = await gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(counted.totalTokens).toBe(5);
  });

  it("a model call reads the answer's text", async () => {
    const gemini = gateway(
      `{"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"finish_reason":"STOP","extra_field":${deep}}],"usage_metadata":{"total_token_count":3}}`,
    );
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const result = await agent.run('hi');
    expect(result.text).toBe('ok');
    expect(result.usage.totalTokenCount).toBe(3);
  });
});
