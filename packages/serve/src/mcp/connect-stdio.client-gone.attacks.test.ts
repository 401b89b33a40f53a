import { PassThrough } from 'node:stream';
import { createAgent, createGemini } from '@gemloop/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  askSupportOverStdio,
  type ModelCall,
  silentAfterFirstChunk,
  until,
} from '../door/__fixtures__/client-gone.ts';
import { createMcpServer } from './create-mcp-server.ts';

// An MCP client over stdio that goes away while an `ask_<agent>` call runs: MCP's lifecycle
// (spec 2025-06-18, "Shutdown", stdio) has the client shut a stdio server down by closing its
// stdin. The SDK's StdioServerTransport (1.32) listens for `data` and `error` on stdin, never
// for its end, so before this the connection stayed open and the run went on calling the model
// for no one (attack49b): its model request was never aborted. The door now closes the
// connection when stdin ends, which aborts every call in flight (the SDK's `_onclose`).

async function askOverStdio() {
  const model = silentAfterFirstChunk();
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: model.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const errors: unknown[] = [];
  const door = createMcpServer({
    agents: { support: agent },
    onError: (error) => errors.push(error),
  });
  onTestFinished(() => door.close());
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let answered = '';
  stdout.on('data', (chunk: Buffer) => {
    answered += chunk.toString();
  });
  const server = await door.connectStdio({ stdin, stdout, stderr });
  let closed = false;
  server.onclose = () => {
    closed = true;
  };
  await askSupportOverStdio(stdin, () => answered);
  await until(() => model.calls.length > 0);
  const call = model.calls[0] as ModelCall;
  expect(call.signal?.aborted).toBe(false);
  return { stdin, stdout, model, call, errors, closed: () => closed, answered: () => answered };
}

describe('MCP over stdio: the client gone while ask_<agent> runs', () => {
  it('stdin ended (the spec`s shutdown): the connection closes, the model call is aborted', async () => {
    const { stdin, model, call, errors, closed } = await askOverStdio();
    stdin.end();
    await until(closed);
    await until(() => call.signal?.aborted === true && call.cancelled);
    // One model call, and none after the client left.
    expect(model.calls).toHaveLength(1);
    // The client's own doing: nothing for the server's log.
    expect(errors).toEqual([]);
  });

  it('stdin destroyed (the pipe broken, no end): the same', async () => {
    const { stdin, call, errors, closed } = await askOverStdio();
    stdin.destroy();
    await until(closed);
    await until(() => call.signal?.aborted === true && call.cancelled);
    expect(errors).toEqual([]);
  });

  it('the client gone, nothing of the door is left listening on its streams', async () => {
    const { stdin, stdout, closed } = await askOverStdio();
    const listeners = () =>
      ['data', 'end', 'close', 'error'].map((event) => stdin.listenerCount(event));
    stdin.end();
    await until(closed);
    expect(listeners()).toEqual([0, 0, 0, 0]);
    expect(stdout.listenerCount('drain')).toBe(0);
  });
});
