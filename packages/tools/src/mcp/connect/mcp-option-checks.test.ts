import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { mcpToolsOptions } from '../tools/create-mcp-tools.ts';
import { connectMcpHttpOptions } from './connect-mcp-http.ts';
import { connectMcpStdioOptions } from './connect-mcp-stdio.ts';

/** The InvalidArgumentError `check` throws, for its argument and message. */
function refusal(check: () => unknown): InvalidArgumentError {
  try {
    check();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('the MCP options, declared once', () => {
  it('refuses an unknown option with the closest one named', () => {
    const error = refusal(() => mcpToolsOptions.check({ prefx: 'github_' }));
    expect(error.argument).toBe('prefx');
    expect(error.message).toContain("createMcpTools has no option 'prefx'. Did you mean 'prefix'?");
    const connect = refusal(() => connectMcpStdioOptions.check({ command: 'node', arg: ['x'] }));
    expect(connect.message).toContain("Did you mean 'args'?");
    const http = refusal(() =>
      connectMcpHttpOptions.check({ url: 'https://x.test/mcp', header: {} }),
    );
    expect(http.message).toContain("Did you mean 'headers'?");
  });

  it('accepts what each entry point takes: its own options and the shared ones', () => {
    const shared = {
      prefix: 'files_',
      reservedNames: new Set(['a']),
      filter: () => true,
      timeoutMs: false as const,
      mediaTypes: ['image/*'],
      onInvalidTool: 'skip' as const,
      serverName: 'files',
      signal: new AbortController().signal,
    };
    expect(() => mcpToolsOptions.check({ ...shared, closeClient: true })).not.toThrow();
    expect(() =>
      connectMcpStdioOptions.check({
        ...shared,
        command: 'node',
        args: ['server.js'],
        env: { TOKEN: 'x' },
        cwd: '/tmp',
        stderr: 'pipe',
        connectTimeoutMs: 5000,
        clientInfo: { name: 'app', version: '1.0.0' },
      }),
    ).not.toThrow();
    expect(() =>
      connectMcpHttpOptions.check({
        ...shared,
        url: new URL('https://x.test/mcp'),
        headers: { a: 'b' },
      }),
    ).not.toThrow();
    // closeClient belongs to createMcpTools alone: a connection always closes its own client.
    expect(
      refusal(() => connectMcpStdioOptions.check({ command: 'node', closeClient: true })).argument,
    ).toBe('closeClient');
  });

  it('names each wrong value and what it must be', () => {
    const cases: [object, string, RegExp][] = [
      [{ prefix: 'git hub/' }, 'prefix', /must start with a letter or "_"/],
      [{ timeoutMs: 0 }, 'timeoutMs', /positive number of milliseconds, or false or Infinity/],
      [{ timeoutMs: 2 ** 31 }, 'timeoutMs', /setTimeout's limit/],
      [{ onInvalidTool: 'ignore' }, 'onInvalidTool', /'throw' or 'skip', got "ignore"/],
      [{ reservedNames: 'a,b' }, 'reservedNames', /iterable of names/],
      [{ mediaTypes: [1] }, 'mediaTypes', /array of media types/],
      [{ filter: true }, 'filter', /must be a function/],
      [{ logger: console.log }, 'logger', /must have child, debug, info, warn and error methods/],
      [{ closeClient: 'yes' }, 'closeClient', /true or false/],
    ];
    for (const [options, argument, message] of cases) {
      const error = refusal(() => mcpToolsOptions.check(options));
      expect(error.argument, JSON.stringify(options)).toBe(argument);
      expect(error.message).toMatch(message);
    }
    const stdio = refusal(() =>
      connectMcpStdioOptions.check({ command: 'node', connectTimeoutMs: -1 }),
    );
    expect(stdio.argument).toBe('connectTimeoutMs');
    const info = refusal(() =>
      connectMcpStdioOptions.check({ command: 'node', clientInfo: { name: 'x' } }),
    );
    expect(info.message).toMatch(/\{ name, version \}/);
  });

  it('never quotes a header or environment value (they are secrets as often as not)', () => {
    const headers = refusal(() =>
      connectMcpHttpOptions.check({
        url: 'https://x.test',
        headers: { authorization: 5, other: 'Bearer sk-secret' },
      }),
    );
    expect(headers.argument).toBe('headers');
    expect(headers.message).not.toContain('sk-secret');
    const env = refusal(() =>
      connectMcpStdioOptions.check({ command: 'node', env: { TOKEN: 'tok-secret', N: 1 } }),
    );
    expect(env.message).not.toContain('tok-secret');
  });
});
