import { describe, expect, it } from 'vitest';
import { ModelCallLimitError } from '../agent/plugins/model-call-limit-error.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { BudgetReservationError } from '../budget/budget-reservation-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { GemloopError } from '../errors/gemloop-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { MemoryError } from '../memory/memory-error.ts';
import type { BrowserError } from './browser-event.ts';
import { toBrowserError } from './to-browser-error.ts';

// What a page is told of a failed run: fixed words per error code, never the error's message
// (it quotes keys, URLs and internal addresses), bounded, and never a throw of its own.

const SECRET = 'AIzaSyD-secret-key http://10.0.0.5:8080/v1beta';

class CodedError extends GemloopError {
  override readonly code: string;
  readonly phase: unknown;
  constructor(code: string, phase?: unknown) {
    super({ message: `failed at ${SECRET}` });
    this.code = code;
    this.phase = phase;
  }
}

const apiError = (status: number | undefined) =>
  new ApiCallError({
    message: `HTTP ${status} from ${SECRET}`,
    url: SECRET,
    method: 'generateContent',
    status,
    isRetryable: false,
  });

describe('toBrowserError', () => {
  it("shows a plain Error as 'The run failed.', nothing of its message", () => {
    expect(toBrowserError(new Error(SECRET), undefined)).toEqual({
      name: 'Error',
      message: 'The run failed.',
    });
    for (const thrown of [SECRET, 42, null, undefined, { message: SECRET }]) {
      expect(JSON.stringify(toBrowserError(thrown, undefined))).not.toContain('secret');
    }
  });

  it("shows one of gemloop's errors by its name, its code and the code's fixed words", () => {
    const error = new InvalidArgumentError({ argument: 'x', message: SECRET });
    expect(toBrowserError(error, undefined)).toEqual({
      name: 'InvalidArgumentError',
      code: 'invalid-argument',
      message: 'The server could not start the run.',
    });
  });

  it("shows a plugin's failure by its code's words, a model-call limit too, never the hook's text", () => {
    // errors43: `plugin` had no words, so a page read 'The run failed.' for a plugin's failure.
    const run = { contents: [], newContents: [], steps: [], usage: {} } as never;
    const thrown = new Error(`audit log down: ${SECRET}`);
    const failure = new PluginError({
      plugin: 'audit',
      hook: 'beforeModelCall',
      run,
      cause: thrown,
    });
    expect(toBrowserError(failure, undefined)).toEqual({
      name: 'PluginError',
      code: 'plugin',
      message: 'A plugin of the agent failed.',
    });
    const limit = new ModelCallLimitError({ plugin: 'retry', limit: 3, stepNumber: 1, run });
    expect(toBrowserError(limit, undefined)).toEqual({
      name: 'ModelCallLimitError',
      code: 'plugin',
      message: 'A plugin of the agent failed.',
    });
    expect(JSON.stringify(toBrowserError(failure, undefined))).not.toContain('secret');
  });

  it("shows a memory store's and a budget pool's failure by their words, not the store's path or the pool's name", () => {
    // page-words44: both read 'The run failed.'; their messages name a file and a pool.
    const memory = new MemoryError({
      message: `/srv/app/memory.json is not a memory file: ${SECRET}`,
      operation: 'search',
      path: '/srv/app/memory.json',
    });
    expect(toBrowserError(memory, undefined)).toEqual({
      name: 'MemoryError',
      code: 'memory',
      message: "The agent's memory could not be read or saved.",
    });
    const budget = new BudgetReservationError({
      pool: 'tenant-acme',
      requestedUsd: 2,
      availableUsd: 0.5,
      maxCostUsd: 100,
    });
    expect(toBrowserError(budget, undefined)).toEqual({
      name: 'BudgetReservationError',
      code: 'budget-reservation',
      message: 'The service is at its spending limit for now; try again later.',
    });
    for (const error of [memory, budget]) {
      const shown = JSON.stringify(toBrowserError(error, undefined));
      for (const hidden of ['secret', '/srv/app', 'tenant-acme', '100']) {
        expect(shown).not.toContain(hidden);
      }
    }
  });

  it('adds the HTTP status of an API error, and of a model call caused by one', () => {
    expect(toBrowserError(apiError(503), undefined).message).toBe(
      'The model service answered with an error (HTTP 503).',
    );
    const modelCall = new CodedError('model-call');
    Object.defineProperty(modelCall, 'cause', { value: apiError(429) });
    expect(toBrowserError(modelCall, undefined)).toMatchObject({
      code: 'model-call',
      message: 'The model service answered with an error (HTTP 429).',
    });
  });

  it('gives no status when the request got no response, or the status is no HTTP status', () => {
    expect(toBrowserError(apiError(undefined), undefined).message).toBe(
      'The model could not be reached.',
    );
    for (const status of [99, 600, 200.5, Number.NaN]) {
      expect(toBrowserError(apiError(status), undefined).message, String(status)).toBe(
        'The model could not be reached.',
      );
    }
  });

  it('names the phase of a tripped guardrail when it is one of the known words only', () => {
    for (const phase of ['input', 'output', 'tool-input', 'tool-output']) {
      expect(toBrowserError(new CodedError('guardrail-tripped', phase), undefined).message).toBe(
        `A guardrail stopped the run (${phase}).`,
      );
    }
    expect(toBrowserError(new CodedError('guardrail-tripped', SECRET), undefined).message).toBe(
      'A guardrail stopped the run.',
    );
  });

  it("shows a code it has no words for with 'The run failed.', prototype names included", () => {
    for (const code of ['brand-new', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(toBrowserError(new CodedError(code), undefined), code).toEqual({
        name: 'CodedError',
        code,
        message: 'The run failed.',
      });
    }
  });

  it('uses what expose returns, bounded: name and code to 100 characters, message to 1000', () => {
    const shown = toBrowserError(new Error('x'), () => ({
      name: 'N'.repeat(500),
      code: 'C'.repeat(500),
      message: 'M'.repeat(5000),
    }));
    expect(shown.name).toHaveLength(100);
    expect(shown.code).toHaveLength(100);
    expect(shown.message).toBe(`${'M'.repeat(1000)}...`);
  });

  it('never cuts an emoji in half when it bounds a message', () => {
    const shown = toBrowserError(new Error('x'), () => ({
      name: 'E',
      message: `${'a'.repeat(999)}😀😀`,
    }));
    expect(isWellFormed(shown.message)).toBe(true);
    expect(shown.message.startsWith('a'.repeat(999))).toBe(true);
  });

  it('falls back to the fixed words when expose returns undefined or throws', () => {
    const error = new InvalidArgumentError({ argument: 'x', message: SECRET });
    const fixed = toBrowserError(error, undefined);
    expect(toBrowserError(error, () => undefined)).toEqual(fixed);
    expect(
      toBrowserError(error, () => {
        throw new Error('expose broke');
      }),
    ).toEqual(fixed);
  });

  it('falls back to the fixed words, never a throw, when expose returns no error object', () => {
    const error = new InvalidArgumentError({ argument: 'x', message: SECRET });
    const fixed = toBrowserError(error, undefined);
    const hostile = {
      get name(): string {
        throw new Error('getter');
      },
      message: 'm',
    };
    const unprintable = {
      name: 'E',
      message: {
        toString: () => {
          throw new Error('no');
        },
      },
    };
    for (const [index, returned] of [
      null,
      'text',
      42,
      hostile,
      unprintable,
      Object.create(null),
    ].entries()) {
      expect(
        toBrowserError(error, () => returned as unknown as BrowserError),
        `returned ${index}`,
      ).toEqual(fixed);
    }
  });

  it('reads nothing that throws from a hostile error object', () => {
    const error = new CodedError('api-call');
    Object.defineProperty(error, 'status', {
      get() {
        throw new Error('status getter');
      },
    });
    expect(toBrowserError(error, undefined)).toEqual({
      name: 'CodedError',
      code: 'api-call',
      message: 'The model could not be reached.',
    });
  });
});

/** Whether `text` holds no lone surrogate: UTF-8 round-trips it unchanged. */
function isWellFormed(text: string): boolean {
  return new TextDecoder().decode(new TextEncoder().encode(text)) === text;
}
