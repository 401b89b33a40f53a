import { createAgent, createGemini } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { listenForTest } from '../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from '../openai/__fixtures__/serve-openai.ts';
import { createA2AHandler } from './create-a2a-handler.ts';

// attack49b: an A2A client whose `SendStreamingMessage` connection drops mid-answer. The door
// documents (docs/serving-a2a.md, "a stream the client drops") that the task goes on, saved as it
// goes, and that `SubscribeToTask` follows it again. Tried here with the model's answer held
// open after its first words: the drop does not abort the model call; the client that comes back
// reads the task's text so far, then the rest, each piece once (none twice, none lost); another
// user's resubscribe of the same id is an unknown task's.

type ModelCall = { signal: AbortSignal | undefined; cancelled: boolean };

/** A Gemini whose streamed answer sends "Hel" and then waits for `finish(text)`. */
function heldModel() {
  const calls: ModelCall[] = [];
  const encoder = new TextEncoder();
  const frame = (text: string, last: boolean) =>
    encoder.encode(
      `data: ${JSON.stringify({
        candidates: [
          {
            index: 0,
            content: { role: 'model', parts: [{ text }] },
            ...(last ? { finishReason: 'STOP' } : {}),
          },
        ],
      })}\r\n\r\n`,
    );
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
    const call: ModelCall = { signal: init?.signal ?? undefined, cancelled: false };
    calls.push(call);
    const body = new ReadableStream<Uint8Array>({
      start(opened) {
        controller = opened;
        opened.enqueue(frame('Hel', false));
      },
      cancel() {
        call.cancelled = true;
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  const finish = (text: string) => {
    controller?.enqueue(frame(text, true));
    controller?.close();
  };
  return { fetch: fetch as typeof globalThis.fetch, calls, finish };
}

/** Waits for `check` (a hang guard: the test's own time limit ends a wait that never comes). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

type Rpc = Record<string, unknown>;

/** The JSON-RPC results of an event stream, read as they come until `stop` says so or it ends. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  stop: (seen: Rpc[]) => boolean = () => false,
): Promise<Rpc[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const seen: Rpc[] = [];
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return seen;
    buffered += decoder.decode(value, { stream: true });
    const frames = buffered.split('\n\n');
    buffered = frames.pop() ?? '';
    for (const each of frames) {
      const data = each
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      if (data !== '') seen.push((JSON.parse(data) as { result: Rpc }).result);
    }
    if (stop(seen)) {
      await reader.cancel();
      return seen;
    }
  }
}

/** The answer's text as a client builds it: an append adds to the artifact, else replaces it. */
function answerText(start: string, events: Rpc[]): string {
  let text = start;
  for (const event of events) {
    const update = event['artifactUpdate'] as
      | { append?: boolean; artifact: { parts: { text?: string }[] } }
      | undefined;
    if (update === undefined) continue;
    const piece = update.artifact.parts.map((part) => part.text ?? '').join('');
    text = update.append === true ? text + piece : piece;
  }
  return text;
}

describe('A2A: a streaming client that drops mid-answer, then comes back', () => {
  it('the task goes on; SubscribeToTask reads the rest, each piece once; bob reads nothing', async () => {
    const model = heldModel();
    const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: model.fetch });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const errors: unknown[] = [];
    const handler = createA2AHandler({
      agent,
      card: { name: 'Support', description: 'Answers.' },
      authorize: authorizeByKey,
      onError: (error) => errors.push(error),
    });
    const signals: AbortSignal[] = [];
    const base = await listenForTest((request) => {
      signals.push(request.signal);
      return handler(request);
    });
    const rpc = (body: unknown, owner: keyof typeof KEYS = 'alice', signal?: AbortSignal) =>
      fetch(`${base}/`, {
        method: 'POST',
        ...(signal === undefined ? {} : { signal }),
        headers: {
          authorization: `Bearer ${KEYS[owner]}`,
          'content-type': 'application/json',
          'a2a-version': '1.0',
        },
        body: JSON.stringify(body),
      });

    const client = new AbortController();
    const sent = await rpc(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'SendStreamingMessage',
        params: { message: { messageId: 'm-1', role: 'ROLE_USER', parts: [{ text: 'Hi' }] } },
      },
      'alice',
      client.signal,
    );
    const before = await readEvents(sent.body as ReadableStream<Uint8Array>, (seen) =>
      answerText('', seen).includes('Hel'),
    );
    const taskId = (before[0]?.['task'] as { id?: string } | undefined)?.id;
    expect(typeof taskId).toBe('string');
    client.abort();
    await until(() => signals[0]?.aborted === true);

    // Bob, with alice's task id: an unknown task's answer, none of her events.
    const bob = await rpc(
      { jsonrpc: '2.0', id: 2, method: 'SubscribeToTask', params: { id: taskId } },
      'bob',
    );
    const bobText = await bob.text();
    expect(bobText).not.toContain('Hel');
    expect(bobText).toMatch(/not found|-32001/i);

    const again = await rpc({
      jsonrpc: '2.0',
      id: 3,
      method: 'SubscribeToTask',
      params: { id: taskId },
    });
    const reading = readEvents(again.body as ReadableStream<Uint8Array>);
    // The model call outlived the drop: its answer is only now finished.
    const call = model.calls[0] as ModelCall;
    expect(call.signal?.aborted).toBe(false);
    expect(call.cancelled).toBe(false);
    model.finish('lo, world.');
    const after = await reading;
    const snapshot = after[0]?.['task'] as
      | { artifacts?: { parts: { text?: string }[] }[] }
      | undefined;
    expect(snapshot).toBeDefined();
    const held = (snapshot?.artifacts ?? [])
      .flatMap((artifact) => artifact.parts.map((part) => part.text ?? ''))
      .join('');
    // The snapshot's text and the appends after it, alone: the whole artifact sent again as the
    // last chunk would hide a piece told twice or lost.
    const appends = after.slice(1).filter((event) => {
      const update = event['artifactUpdate'] as { append?: boolean } | undefined;
      return update?.append === true;
    });
    expect(held).toBe('Hel');
    expect(answerText(held, appends)).toBe('Hello, world.');
    expect(answerText(held, after.slice(1))).toBe('Hello, world.');
    expect(JSON.stringify(after.at(-1))).toContain('TASK_STATE_COMPLETED');
    expect(model.calls).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
