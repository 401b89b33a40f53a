import { turn } from '@gemloop/testing';
import { expect } from 'vitest';
import { createA2AHandlerSharing } from '../../a2a/create-a2a-handler.ts';
import { createAgUiHandlerSharing } from '../../ag-ui/create-ag-ui-handler.ts';
import { authorizeByKey, KEYS } from '../../openai/__fixtures__/serve-openai.ts';
import {
  createOpenAIHandlerSharing,
  type FetchHandler,
} from '../../openai/create-openai-handler.ts';
import type { BodyBudget } from '../body-budget.ts';
import { bodiesBusyMessage } from '../read-bounded-body.ts';
import { RUN_INPUT } from './serve-all-doors.ts';
import { agentOnFake } from './serve-door.ts';

// The media doors driven in process with bodies a test holds open half-sent (inflight57), shared
// by bodies-in-flight.test.ts and bodies-in-flight.fairness.test.ts.

export const MAX = 64 * 1024;
/** Three bodies of 60 KiB fit in 192 KiB; a fourth does not. */
export const IN_FLIGHT = 3 * MAX;
export const SIZE = 60 * 1024;
export const encoder = new TextEncoder();

/** `value` as JSON padded with trailing spaces (still JSON) to `size` bytes. */
export function padded(value: unknown, size = SIZE): Uint8Array<ArrayBuffer> {
  const text = JSON.stringify(value);
  return encoder.encode(text + ' '.repeat(size - text.length));
}

/**
 * A request whose body the test holds: its first half is given at the door's first read
 * (`started` resolves then), the rest when the test calls `finish()`; `abort()` errors the body
 * there instead, as the node adapter does when the client goes. `declared: false` sends no
 * `Content-Length` (chunked).
 */
export function heldRequest(
  url: string,
  headers: Record<string, string>,
  bytes: Uint8Array,
  declared = true,
) {
  let onStart: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  let open: (how: 'finish' | 'abort') => void = () => {};
  const gate = new Promise<'finish' | 'abort'>((resolve) => {
    open = resolve;
  });
  const half = Math.floor(bytes.byteLength / 2);
  let step = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        step += 1;
        if (step === 1) {
          controller.enqueue(bytes.subarray(0, half));
          onStart();
        } else if (step === 2) {
          if ((await gate) === 'abort') controller.error(new Error('the client went away'));
          else controller.enqueue(bytes.subarray(half));
        } else controller.close();
      },
    },
    // No read ahead: a pull is the door reading.
    { highWaterMark: 0 },
  );
  const request = new Request(url, {
    method: 'POST',
    body,
    headers: { ...headers, ...(declared ? { 'content-length': String(bytes.byteLength) } : {}) },
    duplex: 'half',
  } as RequestInit);
  return { request, started, finish: () => open('finish'), abort: () => open('abort') };
}

/** A request with its whole body at once. */
export function wholeRequest(
  url: string,
  headers: Record<string, string>,
  bytes: Uint8Array<ArrayBuffer>,
) {
  return new Request(url, {
    method: 'POST',
    body: bytes,
    headers: { ...headers, 'content-length': String(bytes.byteLength) },
  });
}

export type Door = {
  name: string;
  /**
   * The door on `budget`, with the test's bounds, `rateLimit` and `bodyIdleTimeoutMs` (default:
   * the door's).
   */
  make: (
    budget: BodyBudget,
    rateLimit?: { requests: number; windowMs: number },
    bodyIdleTimeoutMs?: number,
  ) => FetchHandler;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** The 503's body, in the door's protocol. */
  refusal: (message: string) => unknown;
  /** The 408's body, in the door's protocol. */
  timedOut: (message: string) => unknown;
};

export const alice = { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' };

/** Each media door on an agent answering `Hello.`, with `budget` and the test's bounds. */
export function doors(): Door[] {
  const bounds = { maxBodyBytes: MAX, maxBodyBytesInFlight: IN_FLIGHT, authorize: authorizeByKey };
  const script = Array.from({ length: 8 }, () => turn.text('Hello.'));
  return [
    {
      name: 'OpenAI',
      make: (budget, rateLimit, bodyIdleTimeoutMs) => {
        const { agent, onError } = agentOnFake(script);
        return createOpenAIHandlerSharing(
          {
            agents: { 'support-agent': agent },
            onError,
            ...bounds,
            ...(rateLimit && { rateLimit }),
            ...(bodyIdleTimeoutMs && { bodyIdleTimeoutMs }),
          },
          budget,
        );
      },
      url: 'http://127.0.0.1/v1/chat/completions',
      headers: alice,
      body: { model: 'support-agent', messages: [{ role: 'user', content: 'Hi' }] },
      refusal: (message) => ({
        error: { message, type: 'server_error', param: null, code: 'server_busy' },
      }),
      timedOut: (message) => ({
        error: { message, type: 'invalid_request_error', param: null, code: 'request_timeout' },
      }),
    },
    {
      name: 'AG-UI',
      make: (budget, rateLimit, bodyIdleTimeoutMs) => {
        const { agent, onError } = agentOnFake(script);
        return createAgUiHandlerSharing(
          {
            agent,
            onError,
            ...bounds,
            ...(rateLimit && { rateLimit }),
            ...(bodyIdleTimeoutMs && { bodyIdleTimeoutMs }),
          },
          budget,
        );
      },
      url: 'http://127.0.0.1/',
      headers: { ...alice, accept: 'text/event-stream' },
      body: RUN_INPUT,
      refusal: (message) => ({ error: { message, code: 'server_busy' } }),
      timedOut: (message) => ({ error: { message, code: 'request_timeout' } }),
    },
    {
      name: 'A2A',
      make: (budget, rateLimit, bodyIdleTimeoutMs) => {
        const { agent, onError } = agentOnFake(script);
        return createA2AHandlerSharing(
          {
            agent,
            card: { name: 'Support', description: 'Answers.' },
            onError,
            ...bounds,
            ...(rateLimit && { rateLimit }),
            ...(bodyIdleTimeoutMs && { bodyIdleTimeoutMs }),
          },
          budget,
        );
      },
      url: 'http://127.0.0.1/',
      headers: { ...alice, 'a2a-version': '1.0' },
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'SendMessage',
        params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'Hi' }] } },
      },
      refusal: (message) => ({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }),
      timedOut: (message) => ({ jsonrpc: '2.0', id: null, error: { code: -32600, message } }),
    },
  ];
}

/** A fresh request id per body for the doors that keep them (AG-UI threads, A2A messages). */
export function bodyOf(door: Door, index: number): unknown {
  const body = structuredClone(door.body) as Record<string, unknown>;
  if (door.name === 'AG-UI') {
    body['threadId'] = `t${index}`;
    body['runId'] = `r${index}`;
  }
  if (door.name === 'A2A') {
    (body['params'] as { message: { messageId: string } }).message.messageId = `m${index}`;
  }
  return body;
}

export async function expectAnswered(response: Response) {
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('Hello.');
}

export async function expectBusy(door: Door, response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(await response.json()).toEqual(door.refusal(bodiesBusyMessage(IN_FLIGHT)));
}

/**
 * The bodies of `indices` sent to `handler` held half-read: resolves once the door reads each (its
 * reservation taken), with each request's handle and answer.
 */
export async function holdBodies(door: Door, handler: FetchHandler, indices: number[]) {
  const held = indices.map((index) =>
    heldRequest(door.url, door.headers, padded(bodyOf(door, index))),
  );
  const answers = held.map((each) => handler(each.request));
  await Promise.all(held.map((each) => each.started));
  return { held, answers };
}

/** Lets the held bodies arrive whole; each is answered. */
export async function finishAll(held: { held: { finish: () => void }[]; answers: Promise<Response>[] }) {
  for (const each of held.held) each.finish();
  for (const answer of held.answers) await expectAnswered(await answer);
}

