import { describe, expect, it } from 'vitest';
import {
  type ContractViolation,
  invalidValue,
  notRepeating,
  toContractError,
  unknownName,
} from './contract-violation.ts';

// How the fake words a request the API refuses: the proto parser's "Invalid JSON payload
// received" with a BadRequest detail per field, field lines joined, or the first semantic error.

describe('toContractError', () => {
  it('answers nothing when nothing is wrong', () => {
    expect(toContractError([])).toBeUndefined();
  });

  it('lists every parse violation in the message and in BadRequest fieldViolations', () => {
    const error = toContractError([
      unknownName('foo', 'contents[0]'),
      notRepeating('parts', 'contents[0]'),
    ]);
    expect(error?.status).toBe(400);
    expect(error?.body.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message:
        `Invalid JSON payload received. Unknown name "foo" at 'contents[0]': Cannot find field.\n` +
        `Invalid JSON payload received. Unknown name "parts" at 'contents[0]': Proto field is not repeating, cannot start list.`,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.BadRequest',
          fieldViolations: [
            { field: 'contents[0]', description: expect.stringContaining('"foo"') },
            { field: 'contents[0].parts', description: expect.stringContaining('not repeating') },
          ],
        },
      ],
    });
  });

  it('puts parse violations before the others, then field lines, then the first semantic one', () => {
    const semantic: ContractViolation = {
      kind: 'semantic',
      message: 'first',
      status: 'FAILED_PRECONDITION',
    };
    const field: ContractViolation = { kind: 'field', line: '* a\n' };
    expect(
      toContractError([semantic, field, invalidValue('x', 'TYPE_BOOL', 1)])?.body.error.message,
    ).toContain("Invalid value at 'x' (TYPE_BOOL), 1");
    expect(
      toContractError([semantic, field, { kind: 'field', line: '* b\n' }])?.body.error.message,
    ).toBe('* a\n* b\n');
    expect(
      toContractError([semantic, { kind: 'semantic', message: 'second' }])?.body.error,
    ).toMatchObject({
      message: 'first',
      status: 'FAILED_PRECONDITION',
    });
  });
});

describe('invalidValue', () => {
  it('quotes the value as JSON, at most 80 characters of it', () => {
    const violation = invalidValue('generationConfig.temperature', 'TYPE_FLOAT', 'x'.repeat(1_000));
    expect(violation).toMatchObject({ kind: 'parse', field: 'generationConfig.temperature' });
    const description = (violation as { description: string }).description;
    expect(description).toBe(
      `Invalid value at 'generationConfig.temperature' (TYPE_FLOAT), "${'x'.repeat(79)}...`,
    );
  });

  it('never quotes half an emoji', () => {
    const violation = invalidValue('a', 'TYPE_STRING', `${'x'.repeat(78)}😀😀`);
    const description = (violation as { description: string }).description;
    expect(description).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('quotes what JSON cannot write, without throwing', () => {
    expect(
      (invalidValue('a', 'TYPE_INT64', undefined) as { description: string }).description,
    ).toContain('undefined');
    expect((invalidValue('a', 'TYPE_INT64', 10n) as { description: string }).description).toContain(
      '10',
    );
  });
});
