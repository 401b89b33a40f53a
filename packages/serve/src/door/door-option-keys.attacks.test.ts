import { createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createA2AHandler } from '../a2a/create-a2a-handler.ts';
import { createAgUiHandler } from '../ag-ui/create-ag-ui-handler.ts';
import { createMcpServer } from '../mcp/create-mcp-server.ts';
import { createOpenAIHandler } from '../openai/create-openai-handler.ts';
import { mountDoors } from './mount-doors.ts';

// Outside attacks on the doors' options (attack13): a door's options are where its security
// lives (who calls, which hosts and pages, how much a body or an owner may take). A misspelt one
// (`authorise`, `allowedHost`, `maxBodyByte`, `rateLimt`) was ignored without a word: the door
// started with the default in its place (an MCP door without `authorize` refused every HTTP
// request, saying nothing of the misspelling). Each must be an InvalidArgumentError naming the
// option meant, before the door exists.

const gemini = createGemini({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
const authorize = () => 'user-1';
const card = { name: 'support', description: 'Answers support questions.' };

const doors: [string, (extra: Record<string, unknown>) => unknown][] = [
  [
    'createOpenAIHandler',
    (extra) => createOpenAIHandler({ agents: { a: agent }, authorize, ...extra }),
  ],
  ['createMcpServer', (extra) => createMcpServer({ agents: { a: agent }, authorize, ...extra })],
  ['createAgUiHandler', (extra) => createAgUiHandler({ agent, authorize, ...extra })],
  ['createA2AHandler', (extra) => createA2AHandler({ agent, card, authorize, ...extra })],
  ['mountDoors', (extra) => mountDoors({ authorize, openai: { agents: { a: agent } }, ...extra })],
];

describe.each(doors)('%s: a misspelt option', (_name, make) => {
  it('starts with good options', () => {
    expect(() => make({ allowedHosts: ['example.com'], maxBodyBytes: 1024 })).not.toThrow();
  });

  it.each([
    ['authorise', authorize, /authorize/],
    ['allowedHost', ['example.com'], /allowedHosts/],
    ['allowedOrigin', ['https://example.com'], /allowedOrigins/],
    ['maxBodyByte', 1, /maxBodyBytes/],
    ['rateLimt', false, /rateLimit/],
  ])('%s is an InvalidArgumentError naming the option meant', (key, value, meant) => {
    expect(() => make({ [key]: value })).toThrow(InvalidArgumentError);
    expect(() => make({ [key]: value })).toThrow(meant);
  });
});

describe('mountDoors: a misspelt option of a door', () => {
  it('names it, as the door alone does', () => {
    const make = () =>
      mountDoors({ authorize, openai: { agents: { a: agent }, maxConversation: 5 } as never });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(/maxConversations/);
  });
});

// options-nested: `rateLimit` was a nested object no declaration described. A misspelt field
// (`{ request: 5, windowMs }`) or a missing one was taken, and the limiter compared each count with
// `undefined`: no request was ever refused. It is a declared group now, checked by every door.
describe.each(doors)('%s: rateLimit as a declared group', (_name, make) => {
  const refusal = (rateLimit: unknown): InvalidArgumentError => {
    try {
      make({ rateLimit });
    } catch (error) {
      if (InvalidArgumentError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('the door took the rate limit');
  };

  it('names a misspelt field with its full path and the one meant', () => {
    const error = refusal({ request: 5, windowMs: 60_000 });
    expect(error.argument).toBe('rateLimit.request');
    expect(error.message).toBe(
      "rateLimit has no option 'request'. Did you mean 'requests'? The options are requests, windowMs.",
    );
  });

  it('refuses a limit without its count or its window', () => {
    expect(refusal({ windowMs: 60_000 }).message).toBe(
      'rateLimit.requests must be a positive integer; got undefined.',
    );
    expect(refusal({ requests: 5 }).message).toBe(
      'rateLimit.windowMs must be a positive integer; got undefined.',
    );
  });

  it('refuses an array or true, and takes false and a whole limit', () => {
    expect(refusal([{ requests: 5, windowMs: 1 }]).message).toBe(
      'rateLimit must be { requests, windowMs } or false.',
    );
    expect(refusal(true).argument).toBe('rateLimit');
    expect(() => make({ rateLimit: false })).not.toThrow();
    expect(() => make({ rateLimit: { requests: 5, windowMs: 1_000 } })).not.toThrow();
  });
});
