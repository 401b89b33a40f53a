import { describe, expect, it } from 'vitest';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { listMcpTools, MAX_MCP_LISTED_TOOLS } from './list-mcp-tools.ts';
import type { McpClient, McpToolInfo } from './mcp-client.ts';

// tools/list as a server answers it: in pages, with cursors it may repeat or never end, with
// pages that are no list, and errors that may quote what the client sent.

const tool = (name: string): McpToolInfo => ({ name, inputSchema: { type: 'object' } });
const redact = (text: string) => text.replaceAll('sk-secret-token', '[redacted]');

/** A client whose listTools answers with `answer(cursor, call)`; calls are recorded. */
function clientAnswering(answer: (cursor: string | undefined, call: number) => unknown) {
  const cursors: (string | undefined)[] = [];
  const client = {
    listTools: async (params?: { cursor?: string | undefined }) => {
      cursors.push(params?.cursor);
      return answer(params?.cursor, cursors.length) as never;
    },
    callTool: async () => ({}) as never,
    close: async () => {},
  } as unknown as McpClient;
  return { client, cursors };
}

async function failure(run: Promise<unknown>): Promise<McpServerError> {
  try {
    await run;
  } catch (error) {
    if (McpServerError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an McpServerError');
}

const list = (client: McpClient, more: object = {}) =>
  listMcpTools({ client, server: 'server "s"', redact, ...more });

describe('listMcpTools', () => {
  it('follows the cursors to the last page, in order', async () => {
    const { client, cursors } = clientAnswering((cursor) =>
      cursor === undefined
        ? { tools: [tool('a'), tool('b')], nextCursor: 'p2' }
        : cursor === 'p2'
          ? { tools: [tool('c')], nextCursor: 'p3' }
          : { tools: [], nextCursor: '' },
    );
    expect((await list(client)).map((each) => each.name)).toEqual(['a', 'b', 'c']);
    expect(cursors).toEqual([undefined, 'p2', 'p3']);
  });

  it('stops when the server repeats a cursor, quoting at most 100 characters of it', async () => {
    const cursor = `c${'x'.repeat(10_000)}`;
    const { client } = clientAnswering(() => ({ tools: [tool('a')], nextCursor: cursor }));
    const error = await failure(list(client));
    expect(error.reason).toBe('list-failed');
    expect(error.message).toContain('twice; stopping instead of looping forever');
    expect(error.message.length).toBeLessThan(300);
  });

  it('stops a server that never stops paging', async () => {
    const { client, cursors } = clientAnswering((_cursor, call) => ({
      tools: [],
      nextCursor: `page-${call}`,
    }));
    const error = await failure(list(client));
    expect(error.message).toContain('more than 1000 pages');
    expect(cursors).toHaveLength(1000);
  });

  it.each([
    ['no tools field', {}],
    ['tools that are an object', { tools: { a: tool('a') } }],
    ['a null answer', null],
  ])('refuses a page with %s', async (_case, answer) => {
    const { client } = clientAnswering(() => answer);
    const error = await failure(list(client));
    expect(error.message).toContain('without a `tools` array (page 1)');
  });

  it(`stops past ${MAX_MCP_LISTED_TOOLS} tools, even in one page of half a million`, async () => {
    const huge: McpToolInfo[] = new Array(500_000).fill(tool('same'));
    const { client } = clientAnswering(() => ({ tools: huge }));
    const error = await failure(list(client));
    expect(error.message).toContain(`more than ${MAX_MCP_LISTED_TOOLS} tools (page 1)`);

    const { client: paged } = clientAnswering((_cursor, call) => ({
      tools: Array.from({ length: 4_000 }, (_, index) => tool(`p${call}-${index}`)),
      nextCursor: `next-${call}`,
    }));
    expect((await failure(list(paged))).message).toContain('(page 3)');
  });

  it('lists exactly the most it takes', async () => {
    const most = Array.from({ length: MAX_MCP_LISTED_TOOLS }, (_, index) => tool(`t${index}`));
    const { client } = clientAnswering(() => ({ tools: most }));
    expect(await list(client)).toHaveLength(MAX_MCP_LISTED_TOOLS);
  });

  it('keeps a secret the error quotes out of the message and the cause', async () => {
    const { client } = clientAnswering(() => {
      throw new Error('401 for Bearer sk-secret-token', { cause: new Error('sk-secret-token') });
    });
    const error = await failure(list(client));
    const shown = JSON.stringify(error.toJSON());
    expect(error.message).toContain('[redacted]');
    expect(shown).not.toContain('sk-secret-token');
  });

  it('names the first issue of a page the SDK found malformed, and how many more there are', async () => {
    const { client } = clientAnswering(() => {
      throw Object.assign(new Error('[{"huge":"json"}]'), {
        issues: [
          { path: ['tools', 2, 'inputSchema', 'type'], message: 'Invalid input' },
          { path: ['tools', 3], message: 'Required' },
        ],
      });
    });
    expect((await failure(list(client))).message).toContain(
      'the answer does not match the MCP schema: tools.2.inputSchema.type: Invalid input (and 1 more issues)',
    );
  });

  it('names a page that took too long when a time limit was set', async () => {
    const { client } = clientAnswering(() => {
      throw Object.assign(new Error('Request timed out'), { code: -32001 });
    });
    expect((await failure(list(client, { timeoutMs: 250 }))).message).toBe(
      'The MCP server "s" did not answer tools/list within 250 ms (page 1).',
    );
  });

  it("hands back the signal's reason when listing was aborted", async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const { client } = clientAnswering(() => {
      controller.abort(reason);
      throw new Error('AbortError');
    });
    await expect(list(client, { signal: controller.signal })).rejects.toBe(reason);
  });
});
