import { defineTool } from '@gemloop/core';
import { UnsafePatternError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveMcp } from './__fixtures__/serve-mcp.ts';

// An exposed tool's arguments come from the MCP client, not from an agent's run, so no run awaits
// the pattern analysis for them: the door must await it before parsing (in the instant after the
// tool is defined, parseArgs would throw "not loaded yet"), and refuse a tool it refuses.

function textOf(result: unknown): string {
  const content = (result as { content: { type: string; text?: string }[] }).content;
  return content.map((part) => part.text ?? '').join('');
}

describe('createMcpServer: an exposed tool whose schema has a pattern', () => {
  it('runs it when the pattern is safe, although the analysis was still loading', async () => {
    const sendMail = defineTool({
      name: 'send_mail',
      description: 'Sends a mail.',
      // zod 4's e-mail format writes a `pattern`: the analysis runs for it.
      parameters: z.object({ to: z.email() }),
      execute: ({ to }) => ({ sent: to }),
    });
    const { memoryClient, errors } = await serveMcp([], { door: { exposeTools: [sendMail] } });
    const client = await memoryClient();
    const result = await client.callTool({
      name: 'send_mail',
      arguments: { to: 'ada@example.com' },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(textOf(result))).toEqual({ sent: 'ada@example.com' });
    expect(errors).toEqual([]);
  });

  it('refuses it when the pattern can backtrack super-linearly, before the pattern runs', async () => {
    let executed = 0;
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: z.object({ code: z.string().regex(/^(a+)+$/) }),
      execute: () => {
        executed += 1;
        return {};
      },
    });
    const { memoryClient, errors } = await serveMcp([], { door: { exposeTools: [lookup] } });
    const client = await memoryClient();
    const started = Date.now();
    const result = await client.callTool({
      name: 'lookup',
      arguments: { code: `${'a'.repeat(40)}!` },
    });
    // Run, the pattern would take hours on this string; refused, it never runs.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'lookup is not served: its schema has a pattern that can backtrack super-linearly (the server was told which).',
    );
    expect(executed).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(UnsafePatternError);
    expect(errors[0]).toMatchObject({ toolName: 'lookup', path: 'properties.code.pattern' });
  });
});
