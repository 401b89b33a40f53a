import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@gemloop/core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { captureError, connectInMemory } from '../__fixtures__/mcp-test-helpers.ts';
import type { McpServerError } from '../errors/mcp-server-error.ts';
import { createMcpTools } from '../tools/create-mcp-tools.ts';
import { connectMcpHttp } from './connect-mcp-http.ts';
import { connectMcpStdio } from './connect-mcp-stdio.ts';

// attack20 (attack17 left it): connectMcpStdio and createMcpTools checked their options and then
// read them again. An `env` whose value changed at each read (a getter, a Proxy) gave the secret
// redactor one value and the server process another, so what the server printed to stderr
// reached the error's message unredacted; `mediaTypes` or `filter` that changed after the check
// threw a TypeError from inside (`type.toLowerCase is not a function`). Each option, each
// argument and each environment value is now read once.

const serverScript = fileURLToPath(new URL('../__fixtures__/stdio-server.mjs', import.meta.url));

/** `target` with `key` as `first` at the first read and `later` at every one after it. */
function shifting<Target extends object>(
  target: Target,
  key: string,
  first: unknown,
  later: unknown,
): Target {
  let reads = 0;
  return Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function listingClient(): Promise<Client> {
  const server = new Server({ name: 'one', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{ name: 'look', inputSchema: { type: 'object', properties: {} } }],
  }));
  const { client } = await connectInMemory(server);
  clients.push(client);
  return client;
}

describe('connectMcpStdio reads each option once', { timeout: 120_000 }, () => {
  it('redacts the environment value the server was given, whatever a getter says later', async () => {
    // A new secret at every read: the redactor must hold the one the process got.
    let reads = 0;
    const env = Object.defineProperty({}, 'FIXTURE_SECRET', {
      enumerable: true,
      get: () => `sk-fixture-${++reads}-7f3a9c`,
    }) as Record<string, string>;
    const error = (await captureError(
      connectMcpStdio({
        command: process.execPath,
        args: [serverScript, 'exit-before-init'],
        env,
      }),
    )) as McpServerError;
    expect(error.reason).toBe('connect-failed');
    expect(error.message).toContain('token=[redacted]');
    expect(`${error.message}\n${error.stderr}`).not.toMatch(/sk-fixture-\d+/);
  });

  it('starts the arguments the check saw', async () => {
    // The check sees strings; a later read would hand spawn a number (a TypeError from Node).
    const args = Object.defineProperty([serverScript], 1, {
      enumerable: true,
      configurable: true,
      get: shiftingValue('exit-before-init', 5),
    });
    const error = (await captureError(
      // Before the fix the server started in its normal mode (the later read): closed here.
      connectMcpStdio({ command: process.execPath, args: args as string[] }).then(
        async (connection) => {
          await connection.close();
          return connection;
        },
      ),
    )) as McpServerError;
    expect(error.name).toBe('McpServerError');
    expect(error.reason).toBe('connect-failed');
  });

  it('names a value the check sees as wrong', async () => {
    const error = await captureError(
      connectMcpStdio(shifting({ command: process.execPath }, 'args', [5], [serverScript])),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('args');
  });
});

describe('connectMcpHttp reads each header value once', () => {
  it('redacts the header value it sent, whatever a getter says later', async () => {
    let reads = 0;
    const headers = Object.defineProperty({}, 'x-token', {
      enumerable: true,
      get: () => `tok-attack20-${++reads}-7f3a9c`,
    }) as Record<string, string>;
    const error = (await captureError(
      connectMcpHttp({
        url: 'https://mcp.example.com/mcp',
        headers,
        // A server (or proxy) whose refusal quotes the credential it was sent.
        fetch: async (_input, init) => {
          throw new Error(`refused token ${new Headers(init?.headers).get('x-token')}`);
        },
      }),
    )) as McpServerError;
    expect(error.name).toBe('McpServerError');
    expect(`${error.message}\n${String((error.cause as Error | undefined)?.message)}`).not.toMatch(
      /tok-attack20-\d+/,
    );
  });
});

describe('createMcpTools reads each option once', () => {
  it('uses the mediaTypes the check saw', async () => {
    const client = await listingClient();
    const { tools } = await createMcpTools(
      client,
      shifting({}, 'mediaTypes', ['image/png'], [5]) as { mediaTypes: string[] },
    );
    expect(tools.map((tool) => tool.name)).toEqual(['look']);
  });

  it('uses the filter the check saw', async () => {
    const client = await listingClient();
    const { tools } = await createMcpTools(
      client,
      shifting({}, 'filter', () => false, 'not a function') as { filter: () => boolean },
    );
    expect(tools).toEqual([]);
  });
});

function shiftingValue(first: unknown, later: unknown): () => unknown {
  let reads = 0;
  return () => (reads++ === 0 ? first : later);
}
