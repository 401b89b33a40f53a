import { describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

const question = { contents: [{ role: 'user', parts: [{ text: 'Hello?' }] }] };

describe('createFakeGemini gatewayMistakes', () => {
  it('refuses an unknown mistake, naming the known ones', () => {
    expect(() =>
      createFakeGemini({ gatewayMistakes: ['no-such-mistake' as 'trailing-done'] }),
    ).toThrow(/unknown mistake "no-such-mistake"; the mistakes are signatures-in-text/);
  });

  it('changes only what its mistake is about: a unary answer stays byte-exact under trailing-done', async () => {
    const plain = createFakeGemini({ script: () => turn.text('Same.') });
    const broken = createFakeGemini({
      script: () => turn.text('Same.'),
      gatewayMistakes: 'trailing-done',
    });
    expect((await callFake(broken, question)).text).toBe((await callFake(plain, question)).text);
    const stream = await callFake(broken, question, { mode: 'sse' });
    expect(stream.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('drops call ids from unary answers and SSE chunks alike', async () => {
    const fake = createFakeGemini({
      script: () => turn.call('f', { a: 1 }),
      gatewayMistakes: ['drop-call-ids'],
    });
    const body = {
      ...question,
      tools: [{ functionDeclarations: [{ name: 'f', description: 'F.' }] }],
    };
    const unary = await callFake(fake, body, { model: 'gemini-3-flash-preview' });
    expect(unary.text).toContain('"functionCall"');
    expect(unary.text).not.toMatch(/"id"/);
    const sse = await callFake(fake, body, { model: 'gemini-3-flash-preview', mode: 'sse' });
    expect(sse.text).toContain('"functionCall"');
    expect(sse.text).not.toMatch(/"id"/);
  });
});
