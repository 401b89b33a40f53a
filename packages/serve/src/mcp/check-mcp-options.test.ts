import { defineTool } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkMcpOptions } from './check-mcp-options.ts';

// createMcpServer's options, checked on their own: each refusal names its option, and what a
// valid set of options resolves to (defaults, a logging hook that cannot break an answer).
// (create-mcp-server.test.ts checks a few through createMcpServer.)

const agent = { run: () => {}, stream: () => {} } as never;
const tool = (name: string) =>
  defineTool({ name, description: 'd', parameters: z.object({}), execute: async () => 'ok' });
const argumentOf = (options: unknown): string => {
  try {
    checkMcpOptions(options as never);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return `${error.argument}: ${error.message}`;
    throw error;
  }
  return 'accepted';
};

describe('checkMcpOptions', () => {
  it('resolves the defaults of a minimal server', () => {
    const settings = checkMcpOptions({ agents: { support: agent } });
    expect(settings).toMatchObject({
      serverInfo: { name: 'gemloop', version: '0.1.0' },
      maxSessions: 1000,
      maxConnections: 1000,
      maxBodyBytes: 1024 * 1024,
      rateLimit: { requests: 300, windowMs: 60_000 },
      exposeTools: [],
    });
    expect(settings.now).toBe(Date.now);
  });

  it('an onError hook that throws is kept from the answer', () => {
    const settings = checkMcpOptions({
      agents: { support: agent },
      onError: () => {
        throw new Error('logger down');
      },
    });
    expect(() => settings.onError(new Error('x'))).not.toThrow();
  });

  it('takes an agent name of 60 characters, the most an MCP tool name leaves after ask_', () => {
    expect(argumentOf({ agents: { ['a'.repeat(60)]: agent } })).toBe('accepted');
    expect(argumentOf({ agents: { ['a'.repeat(61)]: agent } })).toMatch(
      /^agents: agents: the name "a{61}" must be 1 to 60/,
    );
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['not an object', null as never, 'options: createMcpServer takes an options object'],
    [
      'an agent name with a dot',
      { agents: { 'sup.port': agent } },
      'agents: agents: the name "sup.port"',
    ],
    [
      'an exposed tool that is not a function tool',
      { exposeTools: [{ name: 'x' }] },
      'exposeTools: exposeTools takes function tools',
    ],
    [
      'exposed tools that are not a list',
      { exposeTools: tool('a') },
      'exposeTools: exposeTools must be an array of tools.',
    ],
    [
      'an exposed tool named like an agent`s',
      { exposeTools: [tool('ask_support')] },
      'exposeTools: exposeTools: the name "ask_support" is used twice',
    ],
    [
      'two exposed tools with one name',
      { exposeTools: [tool('lookup'), tool('lookup')] },
      'the name "lookup" is used twice',
    ],
    [
      'a protected resource made by hand',
      { protectedResource: { challenge: 'Bearer' } },
      'protectedResource: protectedResource must come from createProtectedResource',
    ],
    [
      'a clock that is not a function',
      { now: 5 },
      'now: now must be a function returning the time in ms.',
    ],
    [
      'server info without a version',
      { serverInfo: { name: 'x' } },
      'serverInfo: serverInfo must be { name, version }, two strings.',
    ],
    [
      'a rate limit that is not an object',
      { rateLimit: 60 },
      'rateLimit: rateLimit must be { requests, windowMs } or false.',
    ],
    [
      'a window of no time',
      { rateLimit: { requests: 1, windowMs: 0 } },
      'rateLimit.windowMs: rateLimit.windowMs must be a positive integer; got 0.',
    ],
    [
      'a fraction of a connection',
      { maxConnections: 1.5 },
      'maxConnections: maxConnections must be a positive integer; got 1.5.',
    ],
    [
      'an unsafe body limit',
      { maxBodyBytes: 2 ** 60 },
      'maxBodyBytes: maxBodyBytes must be a positive integer; got 1152921504606847000.',
    ],
  ];
  it.each(refused)('refuses %s, naming it', (_, options, message) => {
    const given = options === null ? null : { agents: { support: agent }, ...options };
    expect(argumentOf(given)).toContain(message);
  });

  it('rate limiting can be turned off', () => {
    expect(checkMcpOptions({ agents: { support: agent }, rateLimit: false }).rateLimit).toBe(false);
  });
});
