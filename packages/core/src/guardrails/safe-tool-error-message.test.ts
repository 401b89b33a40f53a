import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import {
  redactLocalDetails,
  safeToolErrorMessage,
} from '../agent/tool-calls/safe-tool-error-message.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GuardrailOptions } from './guardrail-options.ts';
import { guardrails } from './index.ts';

class UpstreamError extends Error {
  override name = 'UpstreamError';
}

describe('safeToolErrorMessage', () => {
  it('keeps the class and the words, drops hosts, ports, URLs and local paths', () => {
    const error = new UpstreamError(
      'upstream weather API down (ECONNREFUSED weather.internal:8443) at https://weather.internal/v1/now, see /srv/app/tools/weather.ts',
      { cause: new Error('inner secret cause') },
    );
    const message = safeToolErrorMessage('weather', error);
    expect(message).toBe(
      'weather failed: UpstreamError: upstream weather API down (ECONNREFUSED <host>) at <url>, see <path>',
    );
    expect(message).not.toContain('inner secret cause');
    expect(message).not.toContain('    at ');
  });

  it('redacts addresses and Windows paths, keeps relative names and field paths', () => {
    expect(redactLocalDetails('connect 10.0.0.1:443 and [::1]:5432 from C:\\app\\x.ts')).toBe(
      'connect <host> and <host> from <path>',
    );
    expect(
      redactLocalDetails('result.handler is not JSON in config.json, a/b ok, localhost:5432'),
    ).toBe('result.handler is not JSON in config.json, a/b ok, <host>');
  });

  it('shows no class for a plain Error nor for gemloop’s own errors, and bounds the length', () => {
    expect(safeToolErrorMessage('t', new Error('nope'))).toBe('t failed: nope');
    expect(safeToolErrorMessage('t', new TypeError('nope'))).toBe('t failed: TypeError: nope');
    expect(
      safeToolErrorMessage(
        't',
        new InvalidArgumentError({ argument: 'x', message: 'No rooms left.' }),
      ),
    ).toBe('t failed: No rooms left.');
    expect(safeToolErrorMessage('t', 'x'.repeat(5_000)).length).toBeLessThan(1_100);
  });
});

describe('what the model gets for a thrown tool error', () => {
  const weather = defineTool({
    name: 'weather',
    parameters: z.object({}),
    execute: () => {
      throw new UpstreamError('upstream weather API down (ECONNREFUSED weather.internal:8443)');
    },
  });

  async function sentError(options?: GuardrailOptions) {
    const fake = createFakeGemini({ script: [turn.call('weather', {}), turn.text('sorry')] });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [weather],
      guardrails: options === undefined ? undefined : guardrails(options),
    });
    const result = await agent.run('weather?');
    const body = fake.requests[1]?.body as {
      contents: { parts: { functionResponse?: { response: Record<string, unknown> } }[] }[];
    };
    return { sent: body.contents.at(-1)?.parts[0]?.functionResponse?.response, result };
  }

  it('is the safe default: no internal host name reaches Gemini; the caller keeps the error', async () => {
    const { sent, result } = await sentError();
    expect(sent).toEqual({
      error: 'weather failed: UpstreamError: upstream weather API down (ECONNREFUSED <host>)',
    });
    const cause = result.steps[0]?.toolCalls?.[0]?.cause as Error | undefined;
    expect(cause?.message).toContain('weather.internal');
  });

  it('is what onToolError returns, which gets the default to build on', async () => {
    const { sent } = await sentError({
      onToolError: (error, { toolName, defaultMessage }) =>
        error instanceof UpstreamError
          ? `${toolName} is unavailable right now; try again later.`
          : defaultMessage,
    });
    expect(sent).toEqual({ error: 'weather is unavailable right now; try again later.' });
  });

  it('falls back to the default when onToolError throws', async () => {
    const { sent } = await sentError({
      onToolError: () => {
        throw new Error('hook bug');
      },
    });
    expect(sent?.['error']).toBe(
      'weather failed: UpstreamError: upstream weather API down (ECONNREFUSED <host>)',
    );
  });
});
