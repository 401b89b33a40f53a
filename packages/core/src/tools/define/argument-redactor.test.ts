import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Content, Part } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import type { AnyTool } from '../tool.ts';
import { createArgumentRedactor } from './argument-redactor.ts';
import { defineTool } from './define-tool.ts';
import { REDACTED_ARGUMENT } from './redact-arguments.ts';

// What leaves the run (recorder files, spans, tool errors) carries '[redacted]' where a tool's
// `secretArguments` say so; the run's own history, which goes back to the model, never changes.

const login = defineTool({
  name: 'login',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: () => 'ok',
});
const search = defineTool({
  name: 'search',
  parameters: z.object({ query: z.string() }),
  execute: () => 'ok',
});
const callPart = (name: string, args: Record<string, unknown>): Part => ({
  functionCall: { name, args },
});

function redactorOf(...tools: AnyTool[]) {
  const redactor = createArgumentRedactor(tools);
  if (redactor === undefined) throw new Error('expected a redactor');
  return redactor;
}

describe('createArgumentRedactor', () => {
  it('is undefined when no tool has secrets, so nothing is ever copied', () => {
    expect(createArgumentRedactor([search])).toBeUndefined();
    const empty = defineTool({
      name: 'empty',
      secretArguments: [],
      parameters: z.object({}),
      execute: () => 'ok',
    });
    expect(createArgumentRedactor([search, empty])).toBeUndefined();
  });

  it("redacts a call's args by tool name and leaves other tools' args as the same object", () => {
    const redactor = redactorOf(login, search);
    const args = { user: 'ada', password: 'hunter2' };
    expect(redactor.args('login', args)).toEqual({ user: 'ada', password: REDACTED_ARGUMENT });
    expect(args.password).toBe('hunter2');
    const other = { query: 'password' };
    expect(redactor.args('search', other)).toBe(other);
    expect(redactor.args('unknown', args)).toBe(args);
  });

  it('unites the paths of two tools of one name (a handoff: two agents, one run)', () => {
    const first = defineTool({
      name: 'vault',
      parameters: z.object({ pin: z.string(), key: z.string() }),
      secretArguments: ['pin'],
      execute: () => 'ok',
    });
    const second = defineTool({
      name: 'vault',
      parameters: z.object({ pin: z.string(), key: z.string() }),
      secretArguments: ['key'],
      execute: () => 'ok',
    });
    expect(redactorOf(first, second).args('vault', { pin: '1', key: 'k', note: 'n' })).toEqual({
      pin: REDACTED_ARGUMENT,
      key: REDACTED_ARGUMENT,
      note: 'n',
    });
  });

  it('copies only the parts and contents it changes', () => {
    const redactor = redactorOf(login);
    const text: Content = { role: 'user', parts: [{ text: 'log me in' }] };
    const secret = callPart('login', { user: 'ada', password: 'p' });
    const plain = callPart('search', { query: 'q' });
    const model: Content = { role: 'model', parts: [{ text: 'ok' }, secret, plain] };
    const contents = [text, model];
    const redacted = redactor.contents(contents);
    expect(redacted).not.toBe(contents);
    expect(redacted[0]).toBe(text);
    const parts = redacted[1]?.parts ?? [];
    expect(parts[0]).toBe(model.parts?.[0]);
    expect(parts[2]).toBe(plain);
    expect(parts[1]).toEqual(callPart('login', { user: 'ada', password: REDACTED_ARGUMENT }));
    expect(redacted[1]?.role).toBe('model');
    // The history the model gets back is untouched.
    expect(secret.functionCall?.args).toEqual({ user: 'ada', password: 'p' });
  });

  it('returns the same list when the only secret call has its secret absent already', () => {
    const redactor = redactorOf(login);
    const parts = [callPart('login', { user: 'ada' })];
    expect(redactor.parts(parts)).toBe(parts);
  });

  it('keeps the other fields of a redacted part: id, thoughtSignature', () => {
    const redactor = redactorOf(login);
    const part: Part = {
      functionCall: { id: 'c1', name: 'login', args: { password: 'p' } },
      thoughtSignature: 'c2ln',
    };
    expect(redactor.parts([part])).toEqual([
      {
        functionCall: { id: 'c1', name: 'login', args: { password: REDACTED_ARGUMENT } },
        thoughtSignature: 'c2ln',
      },
    ]);
  });

  it('redacts the calls in the candidates of a response, and keeps the rest of it', () => {
    const redactor = redactorOf(login);
    const response: GenerateContentResponse = {
      candidates: [
        {
          index: 0,
          finishReason: 'STOP',
          content: { role: 'model', parts: [callPart('login', { password: 'p' })] },
        },
        { index: 1, content: { role: 'model', parts: [{ text: 'no call' }] } },
      ],
      usageMetadata: { totalTokenCount: 3 },
      modelVersion: 'gemini-2.5-flash',
    };
    const redacted = redactor.response(response);
    expect(redacted.usageMetadata).toBe(response.usageMetadata);
    expect(redacted.modelVersion).toBe('gemini-2.5-flash');
    expect(redacted.candidates?.[0]?.finishReason).toBe('STOP');
    expect(redacted.candidates?.[0]?.content?.parts?.[0]?.functionCall?.args).toEqual({
      password: REDACTED_ARGUMENT,
    });
    expect(redacted.candidates?.[1]).toBe(response.candidates?.[1]);
    const plain: GenerateContentResponse = {
      candidates: [{ content: { parts: [{ text: 'x' }] } }],
    };
    expect(redactor.response(plain)).toBe(plain);
  });

  it('passes hostile shapes through without throwing: no candidates, no content, no parts, no name', () => {
    const redactor = redactorOf(login);
    const shapes = [
      {},
      { candidates: 'x' },
      { candidates: [{}] },
      { candidates: [{ content: { role: 'model' } }] },
      { candidates: [{ content: { parts: 'x' } }] },
      { candidates: [{ content: { parts: [{ functionCall: { args: { password: 'p' } } }] } }] },
    ] as unknown as GenerateContentResponse[];
    for (const shape of shapes) expect(redactor.response(shape)).toBe(shape);
    const contents = [{ role: 'user' }, { parts: null }] as unknown as Content[];
    expect(redactor.contents(contents)).toBe(contents);
  });

  it('passes a list and absent args as they are: there is no key to find', () => {
    const redactor = redactorOf(login);
    const parts = [
      { functionCall: { name: 'login', args: ['password'] } },
      { functionCall: { name: 'login' } },
      { functionCall: { name: 'login', args: null } },
    ] as unknown as Part[];
    expect(redactor.parts(parts)).toBe(parts);
  });

  it('redacts the whole of args that are text, a number or a boolean: no path reaches the secret in them (attack57b)', () => {
    const redactor = redactorOf(login, search);
    // A relay's JSON text: the secret is in it, where `password` names no key.
    const text = '{"user":"ada","password":"hunter2"}';
    expect(redactor.args('login', text)).toBe(REDACTED_ARGUMENT);
    expect(redactor.args('login', 4242)).toBe(REDACTED_ARGUMENT);
    expect(redactor.args('login', true)).toBe(REDACTED_ARGUMENT);
    const parts = [{ functionCall: { name: 'login', id: 'c1', args: text } }] as unknown as Part[];
    expect(redactor.parts(parts)).toEqual([
      { functionCall: { name: 'login', id: 'c1', args: REDACTED_ARGUMENT } },
    ]);
    // A tool without secrets keeps its args as they came.
    expect(redactor.args('search', 'q=cats')).toBe('q=cats');
  });
});
