import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { formatToolArgumentIssues, toolErrorResponse } from './tool-error-response.ts';

describe('toolErrorResponse', () => {
  it('puts a thrown error message under the documented error key, without the stack', () => {
    const error = new Error('City not found: Atlantis');
    expect(toolErrorResponse({ name: 'weather', id: 'call-1', error })).toEqual({
      id: 'call-1',
      name: 'weather',
      response: { error: 'City not found: Atlantis' },
    });
    expect(JSON.stringify(toolErrorResponse({ name: 'weather', error }))).not.toContain('at ');
  });

  it('takes strings, gemloop errors and other thrown values', () => {
    expect(toolErrorResponse({ name: 'f', error: 'timed out after 30000 ms' }).response).toEqual({
      error: 'timed out after 30000 ms',
    });
    const invalid = new InvalidArgumentError({ argument: 'x', message: 'x must be positive' });
    expect(toolErrorResponse({ name: 'f', error: invalid }).response['error']).toBe(
      'x must be positive',
    );
    expect(toolErrorResponse({ name: 'f', error: { code: 7 } }).response['error']).toBe(
      '{"code":7}',
    );
    expect(toolErrorResponse({ name: 'f', error: new Error('') }).response['error']).toBe('Error');
  });

  it('lists argument issues with readable paths and asks the model to call again', () => {
    const response = toolErrorResponse({
      name: 'order',
      id: 'abc',
      issues: [
        { path: ['items', 1, 'qty'], message: 'Expected number, received string' },
        { path: [], message: 'Arguments must be a JSON object of named parameters.' },
      ],
    });
    expect(response).toEqual({
      id: 'abc',
      name: 'order',
      response: {
        error:
          'Invalid arguments: items[1].qty: Expected number, received string. Arguments must be a JSON object of named parameters. Fix them and call order again.',
        issues: [
          { path: 'items[1].qty', message: 'Expected number, received string' },
          { path: '', message: 'Arguments must be a JSON object of named parameters.' },
        ],
      },
    });
  });

  it('keeps details but never lets them replace the error', () => {
    expect(
      toolErrorResponse({ name: 'f', error: 'busy', details: { retryable: true, error: 'hidden' } })
        .response,
    ).toEqual({ retryable: true, error: 'busy' });
  });

  it('ignores details that are not JSON instead of failing', () => {
    expect(
      toolErrorResponse({ name: 'f', error: 'busy', details: { callback: () => 1 } }).response,
    ).toEqual({
      error: 'busy',
    });
  });

  it('says the tool failed when nothing else is known', () => {
    expect(toolErrorResponse({ name: 'f' }).response).toEqual({ error: 'Tool f failed.' });
  });
});

describe('formatToolArgumentIssues', () => {
  it('joins issues as sentences with their paths', () => {
    expect(
      formatToolArgumentIssues([
        { path: ['a', 'b'], message: 'Required' },
        { path: ['list', 0], message: 'Too big!' },
      ]),
    ).toBe('a.b: Required. list[0]: Too big!');
  });
});
