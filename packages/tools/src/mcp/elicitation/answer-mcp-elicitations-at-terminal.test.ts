import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { answerMcpServerRequests } from '../server-requests/answer-mcp-server-requests.ts';
import { createMcpTools } from '../tools/create-mcp-tools.ts';
import { answerMcpElicitationsAtTerminal } from './answer-mcp-elicitations-at-terminal.ts';
import { createMcpElicitationBroker } from './create-mcp-elicitation-broker.ts';

// The terminal answers what an MCP server asks (issue 56, item 5): the SDK's McpServer asks over
// in-memory transports, the user's lines come on a stream, and what the server got back is the
// tool's result.

const closers: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function askingServer() {
  const server = new McpServer({ name: 'bookings', version: '1.0.0' });
  server.registerTool('book_table', { description: 'Books.', inputSchema: {} }, async () => {
    const answer = await server.server.elicitInput({
      message: 'Booking details\u001b[2J\u001b[31m please',
      requestedSchema: {
        type: 'object',
        properties: {
          people: { type: 'integer', title: 'People', minimum: 1, maximum: 12 },
          area: {
            type: 'string',
            title: 'Area',
            oneOf: [
              { const: 'in', title: 'Inside' },
              { const: 'out', title: 'Terrace' },
            ],
          },
          vegan: { type: 'boolean', title: 'Vegan menu' },
          extras: {
            type: 'array',
            title: 'Extras',
            items: { type: 'string', enum: ['cake', 'flowers', 'candles'] },
          },
          note: { type: 'string', title: 'Note', default: 'none' },
        },
        required: ['people', 'area'],
      },
    });
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  server.registerTool('sign_in', { description: 'Signs in.', inputSchema: {} }, async () => {
    const answer = await server.server.elicitInput({
      mode: 'url',
      message: 'Sign in to the calendar.',
      url: 'https://calendar.example/authorize?state=abc',
      elicitationId: 'el-1',
    });
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  return server;
}

async function setup(timeoutMs?: number) {
  const broker = createMcpElicitationBroker({ timeoutMs });
  const server = askingServer();
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'gemloop-test', version: '1.0.0' });
  await answerMcpServerRequests(client, { elicitation: broker.handler });
  await client.connect(clientTransport);
  closers.push(
    () => client.close(),
    () => server.close(),
  );
  const { tools } = await createMcpTools(client);
  const input = new PassThrough();
  let printed = '';
  const stop = answerMcpElicitationsAtTerminal(broker, {
    input,
    output: { write: (text: string) => (printed += text) },
  });
  closers.push(stop, () => input.end());
  const call = async (name: string) => {
    const result = (await runTool(tools.find((tool) => tool.name === name)!, {})) as {
      output: string;
    };
    return JSON.parse(result.output) as unknown;
  };
  return { broker, input, call, printed: () => printed };
}

describe('answerMcpElicitationsAtTerminal', () => {
  it('pulls each answer with readLine only when it asks, taking no other line, and echoes on request', async () => {
    const broker = createMcpElicitationBroker();
    const server = askingServer();
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: 'gemloop-test', version: '1.0.0' });
    await answerMcpServerRequests(client, { elicitation: broker.handler });
    await client.connect(clientTransport);
    closers.push(
      () => client.close(),
      () => server.close(),
    );
    const { tools } = await createMcpTools(client);
    // A program's own lines: the answerer takes one each time it asks, the rest stay the program's.
    const lines = ['2', '1', 'n', '', '', 'a line for the program'];
    let asked = 0;
    let printed = '';
    const stop = answerMcpElicitationsAtTerminal(broker, {
      readLine: async () => {
        asked += 1;
        return lines.shift();
      },
      echo: true,
      output: { write: (text: string) => (printed += text) },
    });
    closers.push(stop);
    expect(asked).toBe(0);
    const result = (await runTool(tools.find((tool) => tool.name === 'book_table')!, {})) as {
      output: string;
    };
    expect(JSON.parse(result.output)).toEqual({
      action: 'accept',
      content: { people: 2, area: 'in', vegan: false, note: 'none' },
    });
    expect(asked).toBe(5);
    expect(lines).toEqual(['a line for the program']);
    expect(printed).toContain('People (a whole number, required): 2\n');
  });

  it('takes either input or readLine, not both or neither', () => {
    const broker = createMcpElicitationBroker();
    const output = { write: () => {} };
    expect(() => answerMcpElicitationsAtTerminal(broker, { output })).toThrow(/either input/);
    expect(() =>
      answerMcpElicitationsAtTerminal(broker, {
        input: new PassThrough(),
        readLine: async () => undefined,
        output,
      }),
    ).toThrow(/not both or neither/);
  });

  it('asks a form field by field, asks again what does not fit, and sends the answers', async () => {
    const { input, call, printed } = await setup();
    // Typed ahead, as a fast typist or a pipe does: kept until asked for.
    input.write('many\n0\n4\n');
    input.write('3\n2\n');
    input.write('maybe\ny\n');
    input.write('1, candles\n');
    input.write('\n');
    expect(await call('book_table')).toEqual({
      action: 'accept',
      content: { people: 4, area: 'out', vegan: true, extras: ['cake', 'candles'], note: 'none' },
    });
    const text = printed();
    expect(text).toContain('server "bookings" asks (during book_table):');
    expect(text).toContain('People (a whole number, required): ');
    expect(text).toContain('Type a number.');
    expect(text).toContain('"people" must be at least 1.');
    expect(text).toContain('    2) Terrace (out)');
    expect(text).toContain('"3" is not one of the choices.');
    expect(text).toContain('Type y or n.');
    expect(text).toContain('Note (text, Enter to skip, Enter for "none"): ');
    // The server's escape sequences never reach the terminal.
    expect(text).not.toContain('\u001b');
    expect(text).toContain('Booking details?[2J?[31m please');
  });

  it('declines or cancels a form from any field', async () => {
    const { input, call } = await setup();
    input.write('2\n:decline\n');
    expect(await call('book_table')).toEqual({ action: 'decline' });
    input.write(':cancel\n');
    expect(await call('book_table')).toEqual({ action: 'cancel' });
  });

  it('shows a URL with its host and waits for the confirmation', async () => {
    const { input, call, printed } = await setup();
    input.write('perhaps\ny\n');
    expect(await call('sign_in')).toEqual({ action: 'accept' });
    expect(printed()).toContain('Page to open: https://calendar.example/authorize?state=abc');
    expect(printed()).toContain('Its host: calendar.example');
    expect(printed()).toContain('Type y, n or c.');
    input.write('n\n');
    expect(await call('sign_in')).toEqual({ action: 'decline' });
  });

  it('answers a malformed request without asking, and goes on with the next', async () => {
    const { broker, input, call, printed } = await setup();
    const context = { signal: new AbortController().signal, toolCalls: [] };
    const odd = broker.handler(
      {
        mode: 'form',
        server: 'server "x"',
        message: 'Odd form',
        requestedSchema: {
          type: 'object',
          properties: { a: null as never },
          required: 'a' as never,
        },
      },
      context,
    );
    const broken = broker.handler(
      {
        mode: 'form',
        server: 'server "x"',
        message: 'Broken form',
        requestedSchema: null as never,
      },
      context,
    );
    expect(await odd).toEqual({ action: 'decline' });
    input.write('y\n');
    expect(await call('sign_in')).toEqual({ action: 'accept' });
    // A form whose answer can never fit is cancelled, not asked again and again.
    expect(await broken).toEqual({ action: 'cancel' });
    expect(printed()).toContain('The request is cancelled.');
  });

  it('stops asking a request answered elsewhere, and cancels at the end of input', async () => {
    const { broker, input, call, printed } = await setup();
    const first = call('sign_in');
    // Wait for the terminal to ask, then answer from "a page".
    while (!printed().includes('Open it?')) await new Promise((resolve) => setTimeout(resolve, 5));
    broker.answer(broker.pending[0]!.id, { action: 'decline' });
    expect(await first).toEqual({ action: 'decline' });
    expect(printed()).toContain('(answered elsewhere)');
    input.end();
    expect(await call('sign_in')).toEqual({ action: 'cancel' });
  });
});
