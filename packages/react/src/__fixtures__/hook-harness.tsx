// A page that mounts one `useAgentChat` with a scripted `fetch`, for test/runtimes/react-hook.test.ts:
// the test answers each request by hand (a status, or an event stream it feeds and closes) and
// calls the hook's actions through `window.harness`, then reads the state the hook rendered.

import { StrictMode, useEffect } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { ResumePoint } from '@gemloop/client';
import type { AgentChatMessage, AssistantChatMessage } from '../agent-chat-message.ts';
import { type UseAgentChatResult, useAgentChat } from '../use-agent-chat.ts';

type Seen = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  aborted: boolean;
};
type Open = {
  resolve: (response: Response) => void;
  reject: (error: unknown) => void;
  stream?: ReadableStreamDefaultController<Uint8Array>;
  nextId: number;
};

const encoder = new TextEncoder();
const requests: Seen[] = [];
const open: Open[] = [];
const finished: AssistantChatMessage[] = [];
const errors: string[] = [];
const rendered: { status: string }[] = [];
/** What `onResumePoint` got, as a page would save it. */
const points: { point: ResumePoint | undefined; messages: AgentChatMessage[] }[] = [];
// What a page saved before its reload (`window.savedChat`, set before this script runs).
const saved = (globalThis as { savedChat?: (typeof points)[number] }).savedChat;
// The page's `client.idleTimeoutMs` when a test sets one (`window.idleTimeoutMs`, before this script).
const idleTimeoutMs = (globalThis as { idleTimeoutMs?: number }).idleTimeoutMs;
// An id every `generateId` call gives (`window.sameId`, before this script): a page's generator
// that repeats itself, as `String(Date.now())` does within one millisecond.
const sameId = (globalThis as { sameId?: string }).sameId;
/** The object URLs the page revoked (the hook's file previews). */
const revoked: string[] = [];
const revoke = URL.revokeObjectURL.bind(URL);
URL.revokeObjectURL = (url: string) => {
  revoked.push(url);
  revoke(url);
};
let chat: UseAgentChatResult | undefined;
let root: Root | undefined;

const scriptedFetch = (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const index = requests.length;
  const seen: Seen = {
    url: String(url),
    method: init?.method ?? 'GET',
    headers: { ...(init?.headers as Record<string, string>) },
    body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    aborted: false,
  };
  requests.push(seen);
  return new Promise<Response>((resolve, reject) => {
    const entry: Open = { resolve, reject, nextId: 0 };
    open[index] = entry;
    init?.signal?.addEventListener('abort', () => {
      seen.aborted = true;
      const reason = init.signal?.reason;
      reject(reason);
      try {
        entry.stream?.error(reason);
      } catch {
        // already closed
      }
    });
  });
};

function frame(entry: Open, event: object): Uint8Array {
  const type = (event as { type?: string }).type ?? 'message';
  return encoder.encode(`id: ${entry.nextId++}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`);
}

const harness = {
  requests,
  finished,
  errors,
  rendered,
  points,
  /** Answers request `index` with a status and a body (no stream). */
  respond(index: number, status: number, body: string) {
    open[index]?.resolve(new Response(status === 204 ? null : body, { status }));
  },
  /** Answers request `index` with an event stream that starts with `events` (ids from `firstId`). */
  stream(index: number, events: object[], firstId = 0) {
    const entry = open[index];
    if (entry === undefined) throw new Error(`no request ${index}`);
    entry.nextId = firstId;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        entry.stream = controller;
        for (const event of events) controller.enqueue(frame(entry, event));
      },
    });
    entry.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
  },
  /** More events on request `index`'s stream; `end` closes it. */
  push(index: number, events: object[], end = false) {
    const entry = open[index];
    if (entry?.stream === undefined) throw new Error(`no stream ${index}`);
    for (const event of events) entry.stream.enqueue(frame(entry, event));
    if (end) entry.stream.close();
  },
  state() {
    if (chat === undefined) throw new Error('not mounted');
    const { messages, status, error } = chat;
    return JSON.parse(
      JSON.stringify({
        messages,
        status,
        error: error === undefined ? undefined : { name: error.name, message: error.message },
      }),
    );
  },
  send: (text: string) => chat?.send(text),
  revoked,
  /** Sends `text` with files made in the page from `{ name, type, content }`. */
  sendFiles: (text: string, files: { name: string; type: string; content: string }[]) =>
    chat?.send(text, {
      files: files.map((file) => new File([file.content], file.name, { type: file.type })),
    }),
  setMessages: (messages: AgentChatMessage[]) => chat?.setMessages(messages),
  errorCode: () => (chat?.error as { code?: string } | undefined)?.code,
  stop: () => chat?.stop(),
  reload: () => chat?.reload(),
  resume: (point: ResumePoint) => chat?.resume(point),
  approve: (id: string, decision: 'approve' | 'deny', message?: string) =>
    chat?.approve(id, decision, message),
  answerElicitation: (
    id: string,
    answer: { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, number> },
  ) => chat?.answerElicitation(id, answer),
  unmount: () => root?.unmount(),
};
(globalThis as { harness?: unknown }).harness = harness;

function Harness() {
  chat = useAgentChat({
    url: '/chat',
    // The function form: what it gets, and a throw failing the send ("throw" as the message).
    body: ({ message, messages, files }) => {
      if (message === 'throw') throw new Error('The body could not be built.');
      return {
        conversationId: 'c1',
        message,
        before: messages.length,
        ...(files === undefined ? {} : { files }),
      };
    },
    headers: { authorization: 'Bearer page-token' },
    client: {
      fetch: scriptedFetch as typeof fetch,
      reconnectDelayMs: 1,
      maxReconnects: 0,
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    },
    onFinish: (message) => finished.push(message),
    onError: (error) => errors.push(error.message),
    onResumePoint: (point, messages) => points.push({ point, messages }),
    ...(sameId === undefined ? {} : { generateId: () => sameId }),
    initialMessages: saved?.messages,
    resume: saved?.point,
  });
  const status = chat.status;
  useEffect(() => {
    rendered.push({ status });
  }, [status]);
  return <p id="status">{status}</p>;
}

const element = document.getElementById('root');
if (element === null) throw new Error('The page needs <div id="root">');
root = createRoot(element);
root.render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
