import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createWebFetchTool } from '../index.ts';

// attack66: a careless app's host and address lists. A bad entry was quoted with JSON.stringify:
// an allowedAddressRanges entry of 5,000 characters whole, a right-to-left override in a host name
// raw (it reorders what a reader sees after it in the error and the log line), and an entry that
// JSON cannot write (a bigint, a cyclic object) escaped as JSON.stringify's own TypeError, naming
// no option.

/** The error `createWebFetchTool` throws for `options`. */
function refusal(options: unknown): Error {
  let thrown: unknown;
  try {
    createWebFetchTool(options as never);
  } catch (error) {
    thrown = error;
  }
  expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
  return thrown as Error;
}

const cyclic: Record<string, unknown> = {};
cyclic['self'] = cyclic;

describe('createWebFetchTool with bad list entries', () => {
  it.each([
    ['allowedAddressRanges', ['x'.repeat(5000)]],
    ['allowedHosts', [`a${'b'.repeat(5000)}/path`]],
  ])('%s quotes a long entry cut', (option, entries) => {
    const message = refusal({ [option]: entries }).message;
    expect(message).toContain(option);
    expect(message.length).toBeLessThan(600);
  });

  it.each([
    ['allowedAddressRanges', ['\u202E1.2.3.4/99']],
    ['allowedHosts', ['\u202Eexample.com/x']],
    ['deniedHosts', ['\u202Eexample.com/x']],
  ])('%s quotes a bidi override escaped', (option, entries) => {
    const message = refusal({ [option]: entries }).message;
    expect(message).not.toContain('\u202E');
    expect(message).toContain('\\u202e');
  });

  it.each([
    ['allowedAddressRanges', [10n]],
    ['allowedAddressRanges', [cyclic]],
    ['allowedHosts', [10n]],
    ['allowedHosts', [cyclic]],
  ])('%s names the option for an entry JSON cannot write', (option, entries) => {
    const error = refusal({ [option]: entries });
    expect(error.message).toContain(option);
    expect(error.message).not.toMatch(/serialize|circular/i);
  });
});
