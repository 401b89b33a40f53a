import { describe, expect, it } from 'vitest';
import * as z3 from 'zod/v3';
import { VertexAuthError } from '../../errors/vertex-auth-error.ts';
import type { Transport } from '../../http/transport/transport.ts';
import type { CfworkerModule, createCfworkerCheck } from '../../tools/schema/cfworker-check.ts';
import { createAdcTokenFunction } from './create-adc-token-function.ts';
import { loadWebSocket } from './live-web-socket.ts';
import {
  importCfworker,
  importZodToJsonSchema,
  loadCfworker,
  loadZodToJsonSchema,
} from './load-schema-libraries.ts';
import { selectNodeTransport } from './select-node-transport.ts';

// The browser halves of `#platform/*`, which the Node test projects never resolve: what a browser
// bundle gets in place of the Node code it leaves out.
describe('the browser halves of #platform', () => {
  const fetchTransport = { name: 'fetch' } as Transport;

  it("select-node-transport: fetch for 'auto' and 'fetch', the undici refusal for 'node'", async () => {
    for (const transport of ['auto', 'fetch'] as const) {
      expect(selectNodeTransport({ transport, headers: {} }, fetchTransport)).toBeUndefined();
    }
    const error = await Promise.resolve(
      selectNodeTransport({ transport: 'node', headers: {} }, fetchTransport),
    ).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/could not load undici.*'auto' or 'fetch'/);
    expect(((error as Error).cause as Error).message).toMatch(/only in the Node build/);
  });

  it('create-adc-token-function: no Application Default Credentials, pass vertex.getAccessToken', async () => {
    const error = await createAdcTokenFunction()().catch((thrown: unknown) => thrown);
    expect(VertexAuthError.isInstance(error)).toBe(true);
    expect((error as VertexAuthError).reason).toBe('missing-auth-library');
    expect((error as Error).message).toContain('vertex.getAccessToken');
  });

  it('load-schema-libraries: nothing synchronously, the working parts by import()', async () => {
    // No synchronous require() off Node: the tools code asks for the import and keeps its result.
    expect(loadCfworker()).toBeUndefined();
    expect(loadZodToJsonSchema()).toBeUndefined();
    const cfworker = (await importCfworker()) as CfworkerModule & {
      createCfworkerCheck: typeof createCfworkerCheck;
    };
    const validator = new cfworker.Validator({ type: 'object', required: ['a'] }, '2020-12', false);
    expect(validator.validate({ a: 1 }).valid).toBe(true);
    expect(validator.validate({}).valid).toBe(false);
    // With the library, tools/'s check that runs it (in the library's lazy chunk in a bundle).
    const check = cfworker.createCfworkerCheck(cfworker, { type: 'object', required: ['a'] });
    expect(check({ a: 1 })).toEqual({ success: true, value: { a: 1 } });
    expect(check({})).toEqual({
      success: false,
      issues: [{ path: ['a'], message: 'Required property is missing.' }],
    });
    const { zodToJsonSchema, ignoreOverride } = (await importZodToJsonSchema()) as {
      zodToJsonSchema(schema: unknown, options: object): Record<string, unknown>;
      ignoreOverride: unknown;
    };
    expect(typeof ignoreOverride).toBe('symbol');
    expect(zodToJsonSchema(z3.object({ a: z3.string() }), {})).toMatchObject({
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
    });
  });

  it('live-web-socket: the platform WebSocket, or a clear refusal where there is none', async () => {
    const platform = globalThis.WebSocket;
    if (typeof platform === 'function') expect(await loadWebSocket(1000)).toBe(platform);
    else
      await expect(loadWebSocket(1000)).rejects.toThrow(/no WebSocket: a live session needs one/);
  });
});
