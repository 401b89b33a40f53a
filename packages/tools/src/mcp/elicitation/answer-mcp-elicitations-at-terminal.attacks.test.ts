import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerMcpElicitationsAtTerminal } from './answer-mcp-elicitations-at-terminal.ts';
import { createMcpElicitationBroker } from './create-mcp-elicitation-broker.ts';
import type { McpElicitationRequest } from './mcp-elicitation.ts';

// A hostile server's form at a terminal: what the terminal prints must carry no escape sequence
// of the server's (a field name in a "does not fit" message), and a 10,000-choice enum must not
// flood the screen.

async function askAtTerminal(request: McpElicitationRequest, typed: string) {
  const broker = createMcpElicitationBroker();
  const input = new PassThrough();
  let printed = '';
  const stop = answerMcpElicitationsAtTerminal(broker, {
    input,
    output: { write: (text: string) => (printed += text) },
  });
  try {
    const answered = Promise.resolve(
      broker.handler(request, { signal: new AbortController().signal, toolCalls: [] }),
    );
    input.write(typed);
    return { answer: await answered, printed };
  } finally {
    stop();
    input.end();
  }
}

describe('answerMcpElicitationsAtTerminal against a hostile server', () => {
  it("prints a field's check failure without the server's escape sequences", async () => {
    const name = 'note\u001b]0;pwned\u0007\u001b[2J\u202e';
    const { answer, printed } = await askAtTerminal(
      {
        mode: 'form',
        server: 'server "hostile"',
        message: 'Fill in',
        requestedSchema: {
          type: 'object',
          properties: { [name]: { type: 'string', title: 'Note', maxLength: 2 } },
        },
      },
      'too long\nok\n',
    );
    expect(answer).toEqual({ action: 'accept', content: { [name]: 'ok' } });
    expect(printed).toContain('must be at most 2 characters.');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
    expect(printed).not.toMatch(/[\u001b\u0007\u202e]/);
  });

  it('lists at most 50 of a 10,000-choice enum, and a choice past them can still be typed', async () => {
    const choices = Array.from({ length: 10_000 }, (_, index) => `c${index}`);
    const { answer, printed } = await askAtTerminal(
      {
        mode: 'form',
        server: 'server "hostile"',
        message: 'Pick',
        requestedSchema: {
          type: 'object',
          properties: { pick: { type: 'string', enum: choices } },
          required: ['pick'],
        },
      },
      'c9999\n',
    );
    expect(answer).toEqual({ action: 'accept', content: { pick: 'c9999' } });
    expect(printed).toContain('    50) c49\n');
    expect(printed).not.toContain('    51) c50');
    expect(printed).toContain('9,950 more');
    expect(printed.length).toBeLessThan(5_000);
  });
});
