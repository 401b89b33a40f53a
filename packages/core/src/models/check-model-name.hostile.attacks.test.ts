import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';

// leftovers76: a model name from a caller's config (an environment variable, a form, a gateway's
// catalogue) of any length or characters. It is refused typed, naming the option; the message
// quoted a refused name whole: 100,000 characters into every log line and span of the error, and
// a CR LF in it started a line of its own in a log.

/** The error `make` throws, or a failure when it throws none. */
function refusal(make: () => unknown): InvalidArgumentError {
  try {
    make();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('accepted');
}

const fetched: string[] = [];
const gemini = createGemini({
  apiKey: 'k',
  baseUrl: 'https://gateway.test',
  fetch: async (url: string | URL | Request) => {
    fetched.push(String(url));
    return new Response('{}', { status: 500 });
  },
});

describe('a hostile model name', () => {
  it.each([
    ['100,000 characters', 'g'.repeat(100_000)],
    ['100,000 characters and a slash', `${'g'.repeat(100_000)}/x`],
    ['100,000 capitals', 'G'.repeat(100_000)],
  ])('%s: refused naming model, the message short and quoting a bounded cut', (_label, model) => {
    const error = refusal(() => createAgent({ gemini, model }));
    expect(error.argument).toBe('model');
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).toMatch(/^model "g{10}/i);
    expect(error.message).toMatch(/characters omitted/);
  });

  it.each([
    ['a slash', 'gemini-2.5-flash/../../v1/files'],
    ['dots alone', '..'],
    ['a query', 'gemini-2.5-flash?key=x'],
    ['a fragment', 'gemini-2.5-flash#x'],
    ['CR LF', 'gemini-2.5-flash\r\nx-injected: 1'],
    ['a bidi override', 'gemini-2.5-flash\u202Ex'],
  ])('%s: refused naming model, no line end or bidi character in the message', (_label, model) => {
    const error = refusal(() => createAgent({ gemini, model }));
    expect(error.argument).toBe('model');
    expect(error.message).not.toMatch(/[\r\n\u202E]/);
  });

  it.each([
    ['100,000 characters', 'g'.repeat(100_000)],
    ['a slash', 'gemini-2.5-flash/../../v1/files'],
    ['CR LF', 'gemini-2.5-flash\r\nx'],
    ['a query', 'gemini-2.5-flash?alt=json'],
  ])('per call (%s): refused naming request.model, nothing fetched', async (_label, model) => {
    fetched.length = 0;
    const error = await (async () => {
      for await (const _chunk of gemini.streamGenerateContent({ model, contents: 'Hi' })) {
        // nothing
      }
    })().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('request.model');
    expect((error as Error).message.length).toBeLessThan(1_000);
    expect((error as Error).message).not.toMatch(/[\r\n]/);
    expect(fetched).toEqual([]);
  });
});
