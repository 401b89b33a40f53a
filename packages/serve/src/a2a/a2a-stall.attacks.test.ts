import type { FakeTurn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { MAX_UNREAD_EVENT_BYTES } from '../door/unread-cap.ts';
import { serveA2A, TOKENS } from './__fixtures__/serve-a2a.ts';

// The A2A door's event stream and a client that stops reading it (as the other doors' outside
// attacks try theirs): the stream is cut off, the task goes on and ends as it would have.

/** A streamed answer of `chunks` chunks of 256 KiB of text each. */
function longAnswer(chunks: number): FakeTurn {
  // Few and large: each artifact chunk costs the SDK's task store a copy of the task so far.
  const text = 'x'.repeat(256 * 1024);
  return {
    raw: Array.from({ length: chunks }, (_, index) => ({
      candidates: [
        {
          content: { role: 'model', parts: [{ text }] },
          ...(index === chunks - 1 ? { finishReason: 'STOP' as const } : {}),
        },
      ],
    })),
  };
}

/** A JSON-RPC request of Alice's, for the handler itself (no socket in between). */
const rpc = (body: unknown) =>
  new Request('http://127.0.0.1/', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKENS.alice}`,
      'content-type': 'application/json',
      'a2a-version': '1.0',
    },
    body: JSON.stringify(body),
  });

describe('the A2A door and a client that stops reading', () => {
  it('cuts the stream off past the unread cap; the task still completes, readable by its owner', async () => {
    const chunks = 40; // 10 MiB of answer
    const { handler } = await serveA2A([longAnswer(chunks)]);
    // Called as a Fetch handler: no socket buffer between the door and the client.
    const response = await handler(
      rpc({
        jsonrpc: '2.0',
        id: 1,
        method: 'SendStreamingMessage',
        params: {
          message: { messageId: 'm-1', role: 'ROLE_USER', parts: [{ text: 'Talk a lot.' }] },
        },
      }),
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const taskId = /"id":"([^"]+)"/.exec(first)?.[1];
    expect(taskId).toBeDefined();
    // Nothing more is read. The task outlives its stream, as when the client goes away: it
    // completes, readable by its owner (asked at the handler too: the task store's copies can
    // hold the event loop for seconds, and a kept-alive socket would race the server's timeout).
    const stateOf = async (): Promise<string> => {
      const answer = await handler(
        rpc({ jsonrpc: '2.0', id: 2, method: 'GetTask', params: { id: taskId } }),
      );
      return JSON.stringify(await answer.json());
    };
    for (;;) {
      const task = await stateOf();
      if (task.includes('TASK_STATE_COMPLETED')) break;
      expect(task).toContain('TASK_STATE_WORKING');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The stream was cut off once the cap was unread, not grown to the whole answer.
    await expect(reader.read()).rejects.toThrow(/unread/);
    expect(MAX_UNREAD_EVENT_BYTES).toBeLessThan(chunks * 256 * 1024);
  });
});
