import { createAgent, defineTool } from '@gemloop/core';
import { ApiCallError } from '@gemloop/core/errors';
import { createGemini } from '@gemloop/core/http';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from './create-fake-gemini.ts';
import { turn } from './script/fake-turn.ts';

// What a user sees through the client when the fake itself refuses (its script ran out or threw):
// the call counted as a person counts, and no advice about Google billing or regions, which would
// send them looking at their Google project for a mistake in their test.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(options: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
}

const ask = { model: 'gemini-2.5-flash', contents: 'Hi' };

async function failure(call: () => Promise<unknown>): Promise<ApiCallError> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!ApiCallError.isInstance(error)) throw new Error(`expected an ApiCallError, got ${error}`);
  return error;
}

describe('the fake’s own errors, through the client', () => {
  it('counts the model call that found the script empty from 1, and gives no Google advice', async () => {
    const gemini = await serve({ script: [turn.text('one')] });
    await gemini.generateContent(ask);
    const error = await failure(() => gemini.generateContent(ask));
    expect(error.status).toBe(400);
    expect(error.message).toContain('no turn for model call #2');
    expect(error.message).not.toMatch(/billing|free tier|region/i);
    expect(error.message).toContain('fake Gemini server');
    expect(error.isRetryable).toBe(false);
  });

  it('says the same for a script that threw, streamed', async () => {
    const gemini = await serve({
      script: () => {
        throw new Error('no weather today');
      },
    });
    const error = await failure(async () => {
      for await (const _ of gemini.streamGenerateContent(ask)) void _;
    });
    expect(error.message).toContain('The script threw for model call #1: no weather today');
    expect(error.message).not.toMatch(/billing|free tier|region/i);
  });

  // docs/troubleshooting.md said the fake fails a call whose script names a tool the agent does not
  // declare (attack64b): it sends the call as scripted, and the agent answers it to the model.
  it('plays a call to a tool the agent does not declare, which the agent answers as unknown', async () => {
    const gemini = await serve({ script: [turn.call('nope', {}), turn.text('Done.')] });
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: { type: 'object', properties: {} },
      execute: () => ({}),
    });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [lookup] });
    const result = await agent.run('Go.');
    expect(result.text).toBe('Done.');
    expect(result.steps[0]?.toolCalls?.[0]).toMatchObject({
      toolName: 'nope',
      outcome: 'unknown-tool',
      error: expect.stringContaining("Unknown function 'nope'. Available functions: lookup."),
    });
  });
});
