import { describe, expect, it } from 'vitest';
import type { McpElicitationRequest } from './mcp-elicitation.ts';
import { toElicitationReport } from './mcp-elicitation-report.ts';

// A run's `elicitation-pending` event is built from what a server sent: bounded and lenient,
// whatever the server put in it.

describe('toElicitationReport', () => {
  it('bounds a hostile form: the message, the number of fields, their names and titles', () => {
    const properties: Record<string, unknown> = {};
    for (let index = 0; index < 500; index++) {
      properties[`${'f'.repeat(300)}${index}`] = { type: 'string', title: 't'.repeat(5000) };
    }
    properties['odd'] = null;
    const request = {
      mode: 'form',
      server: 'server "x"',
      message: `😀${'m'.repeat(1_000_000)}`,
      requestedSchema: { type: 'object', properties, required: 'not-a-list' },
    } as unknown as McpElicitationRequest;
    const report = toElicitationReport('id-1', request, []);
    expect(report.message.length).toBeLessThanOrEqual(1000);
    expect(report.fields).toHaveLength(50);
    expect(report.fields?.[0]?.name.length).toBe(200);
    expect(report.fields?.[0]?.title?.length).toBe(200);
    expect(report.fields?.every((field) => field.required === false)).toBe(true);
    expect(JSON.stringify(report).length).toBeLessThan(30_000);
  });

  it('keeps a URL to its host, and says so when it is not a URL', () => {
    const url = (value: string) =>
      toElicitationReport(
        'id-2',
        { mode: 'url', server: 's', message: 'Sign in', url: value, elicitationId: 'e' },
        [{ toolCallId: 'c', toolName: 't' }],
      );
    expect(url('https://auth.example:8443/authorize?state=secret-state')).toEqual({
      id: 'id-2',
      server: 's',
      mode: 'url',
      message: 'Sign in',
      toolCalls: [{ toolCallId: 'c', toolName: 't' }],
      host: 'auth.example:8443',
    });
    expect(url('not a url').host).toBe('(not a URL)');
  });

  it('reads a field without a type or title leniently', () => {
    const report = toElicitationReport(
      'id-3',
      {
        mode: 'form',
        server: 's',
        message: 'm',
        requestedSchema: {
          type: 'object',
          properties: { a: { type: 7 as unknown as string, title: {} as unknown as string } },
          required: ['a'],
        },
      },
      [],
    );
    expect(report.fields).toEqual([{ name: 'a', type: 'unknown', required: true }]);
  });
});
