import { describe, expect, it, onTestFinished } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import { createFiles } from '../http/files/create-files.ts';
import type { Gemini } from '../http/gemini.ts';
import { version } from '../version.ts';
import { checkedApprovalBroker, createApprovalBroker } from '../web/approval-broker.ts';
import { InvalidArgumentError } from './invalid-argument-error.ts';
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

  it('refuses as approvals an object no broker of this version made, naming another version', () => {
    const refusalOf = (approvals: unknown) => {
      try {
        checkedApprovalBroker(approvals, 'createAgUiHandler');
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(checkedApprovalBroker(undefined, 'createAgUiHandler')).toBeUndefined();
    expect(checkedApprovalBroker(createApprovalBroker(), 'createAgUiHandler')).toBeDefined();
    const handMade = refusalOf({ beforeToolCall: () => {} });
    expect(InvalidArgumentError.isInstance(handMade)).toBe(true);
    expect(handMade).toMatchObject({ argument: 'approvals' });
    expect((handMade as Error).message).toBe(
      'createAgUiHandler: approvals must be a broker made by createApprovalBroker().',
    );
    const broker = {};
    const key = Symbol.for('gemloop.approval-broker@0.0.1-other');
    const holder = globalThis as { [key: symbol]: unknown };
    holder[key] = new WeakMap([[broker, {}]]);
    onTestFinished(() => {
      delete holder[key];
    });
    expect((refusalOf(broker) as Error).message).toContain(
      `This broker was made by another version of @gemloop/core (0.0.1-other; this one is ${version}): two copies of @gemloop/core are loaded`,
    );
  });
});
