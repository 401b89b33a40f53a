import { createAgent, createGemini } from '@gemloop/core';
import { InvalidHistoryError } from '@gemloop/core/errors';
import { validateHistory } from '@gemloop/core/history';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack59: a history saved by another SDK handed to gemloop as it is. OpenAI's and the AI SDK's
// messages are { role: 'user' | 'assistant' | 'system' | 'tool', content }; the check said
// "contents[0].parts is empty; every content needs at least one part. Drop the content or add a
// part.", advice that loses the user's message, and named the role by its whole value (a 1 MB role
// string went into the message whole).

describe('validateHistory on messages of the OpenAI / AI SDK shape', () => {
  it('names the shape and the fix instead of telling to drop the content', () => {
    const issues = validateHistory([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
    ]);
    expect(issues.map((issue) => [issue.code, issue.contentIndex])).toEqual([
      ['empty-parts', 0],
      ['invalid-role', 1],
      ['empty-parts', 1],
    ]);
    for (const issue of issues.filter((each) => each.code === 'empty-parts')) {
      expect(issue.message).toMatch(/has `content` but no `parts`/);
      expect(issue.message).toMatch(/parts: \[\{ text/);
      expect(issue.message).not.toMatch(/Drop the content/);
    }
    expect(issues[1]?.message).toMatch(/"assistant".*'model'/);
  });

  it('still tells to drop or fill a content with no parts and no content', () => {
    const [issue] = validateHistory([{ role: 'user', parts: [] }]);
    expect(issue?.message).toMatch(/Drop the content or add a part/);
  });

  it('names a role of a megabyte by its kind, not its whole value', () => {
    const [issue] = validateHistory([{ role: 'x'.repeat(1_000_000), parts: [{ text: 'q' }] }]);
    expect(issue?.code).toBe('invalid-role');
    expect(issue?.message.length).toBeLessThan(400);
  });

  it('is what agent.run() refuses, before any request', async () => {
    const fake = createFakeGemini({ script: [turn.text('never')] });
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-2.5-flash',
    });
    const error = await agent
      .run([{ role: 'user', content: 'Hi' }] as never)
      .catch((caught: unknown) => caught);
    await agent.close();
    expect(InvalidHistoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/has `content` but no `parts`/);
    expect(fake.modelRequests).toHaveLength(0);
    await fake.close();
  });
});
