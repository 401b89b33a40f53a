import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createArgumentRedactor } from './argument-redactor.ts';
import { defineTool } from './define-tool.ts';
import { checkSecretArguments, REDACTED_ARGUMENT, redactArguments } from './redact-arguments.ts';

const paths = (...list: string[]) => checkSecretArguments(list, 't') ?? [];

describe('redactArguments', () => {
  it('replaces top-level and nested values, leaving the input as it was', () => {
    const args = { user: 'ada', password: 'hunter2', auth: { token: 't0k', scheme: 'bearer' } };
    const before = structuredClone(args);
    expect(redactArguments(args, paths('password', 'auth.token'))).toEqual({
      user: 'ada',
      password: REDACTED_ARGUMENT,
      auth: { token: REDACTED_ARGUMENT, scheme: 'bearer' },
    });
    expect(args).toEqual(before);
  });

  it("takes '*' as every array item or object key, and array indexes as keys", () => {
    const args = {
      accounts: [
        { id: 1, pin: '1111' },
        { id: 2, pin: '2222' },
      ],
      vault: { a: { secret: 'x' }, b: { secret: 'y' } },
      codes: ['first', 'second'],
    };
    expect(redactArguments(args, paths('accounts.*.pin', 'vault.*.secret', 'codes.1'))).toEqual({
      accounts: [
        { id: 1, pin: REDACTED_ARGUMENT },
        { id: 2, pin: REDACTED_ARGUMENT },
      ],
      vault: { a: { secret: REDACTED_ARGUMENT }, b: { secret: REDACTED_ARGUMENT } },
      codes: ['first', REDACTED_ARGUMENT],
    });
  });

  it('redacts a whole object or array at a path, and skips absent paths without copying', () => {
    const args = { auth: { token: 't', refresh: 'r' }, list: [1] };
    expect(redactArguments(args, paths('auth'))).toEqual({ auth: REDACTED_ARGUMENT, list: [1] });
    expect(redactArguments(args, paths('missing', 'auth.missing.deeper', 'list.5'))).toBe(args);
    expect(redactArguments('not an object', paths('password'))).toBe('not an object');
  });

  it('keeps a __proto__ key of the model as data and pollutes nothing', () => {
    const args = JSON.parse('{"__proto__":{"secret":"s"},"other":1}') as Record<string, unknown>;
    const redacted = redactArguments(args, paths('__proto__.secret', '*'));
    expect(Object.getOwnPropertyNames(redacted)).toEqual(['__proto__', 'other']);
    expect(JSON.stringify(redacted)).not.toContain('"s"');
    expect(({} as Record<string, unknown>)['secret']).toBeUndefined();
  });
});

describe('secretArguments on defineTool', () => {
  it.each([
    ['not an array', 'password', /must be an array of strings/],
    ['a non-string', ['password', 3], /non-string at \[1\]/],
    ['an empty key', ['auth..token'], /empty key in "auth\.\.token"/],
    ['an empty path', [''], /empty key/],
  ])('refuses %s with a typed error naming the tool', (_, secretArguments, message) => {
    let error: unknown;
    try {
      defineTool({
        name: 'login',
        parameters: z.object({ password: z.string() }),
        // biome-ignore lint/suspicious/noExplicitAny: the point is a wrong value at run time.
        secretArguments: secretArguments as any,
        execute: () => 'ok',
      });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('secretArguments');
    expect((error as Error).message).toMatch(/tool "login"/);
    expect((error as Error).message).toMatch(message);
  });

  it("keeps the paths on the tool, and the agent's redactor reads them", () => {
    const login = defineTool({
      name: 'login',
      parameters: z.object({ user: z.string(), password: z.string() }),
      secretArguments: ['password'],
      execute: () => 'ok',
    });
    expect(login.secretArguments).toEqual(['password']);
    const redactor = createArgumentRedactor([login]);
    const call = { functionCall: { name: 'login', args: { user: 'ada', password: 'p' } } };
    const other = { functionCall: { name: 'other', args: { password: 'kept' } } };
    const contents = [{ role: 'model' as const, parts: [call, other] }];
    const redacted = redactor?.contents(contents);
    expect(redacted?.[0]?.parts).toEqual([
      { functionCall: { name: 'login', args: { user: 'ada', password: REDACTED_ARGUMENT } } },
      other,
    ]);
    expect(call.functionCall.args.password).toBe('p');
    // Nothing secret, nothing copied.
    const plain = [{ role: 'user' as const, parts: [{ text: 'hi' }] }];
    expect(redactor?.contents(plain)).toBe(plain);
    expect(createArgumentRedactor([])).toBeUndefined();
  });
});
