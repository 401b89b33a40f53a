import { describe, expect, it, onTestFinished } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { version } from '../version.ts';
import { createGemini } from './create-gemini.ts';
import { createFiles } from './files/create-files.ts';
import type { Gemini } from './gemini.ts';
import { twoCopiesHint } from './two-copies-hint.ts';

/** A client as another version of @gemloop/core registers it (its own registry on globalThis). */
function otherVersionClient(other: string): Gemini {
  const client = { baseUrl: 'https://example.invalid' } as Gemini;
  const key = Symbol.for(`gemloop.client-internals@${other}`);
  const holder = globalThis as { [key: symbol]: unknown };
  holder[key] = new WeakMap([[client, {}]]);
  onTestFinished(() => {
    delete holder[key];
  });
  return client;
}

describe('a client made by another version of @gemloop/core', () => {
  it('is refused naming the two copies, both versions and the fix', () => {
    const client = otherVersionClient('0.0.1-other');
    let thrown: unknown;
    try {
      createFiles(client);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('needs a client made by createGemini');
    expect((thrown as Error).message).toContain(
      `another version of @gemloop/core (0.0.1-other; this one is ${version}): two copies of @gemloop/core are loaded`,
    );
    expect((thrown as Error).message).toContain('npm dedupe');
  });

  it("adds nothing for a hand-made client, and this version's own is never refused", () => {
    otherVersionClient('0.0.1-other');
    expect(twoCopiesHint({ baseUrl: 'https://example.invalid' })).toBe('');
    expect(twoCopiesHint(undefined)).toBe('');
    const gemini = createGemini({ apiKey: 'test-key' });
    expect(twoCopiesHint(gemini)).toBe('');
    expect(() => createFiles(gemini)).not.toThrow();
  });
});
