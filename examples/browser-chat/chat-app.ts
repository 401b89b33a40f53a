// The server of the browser-chat example: one node:http server that serves the page, streams each
// question's run to it (`writeEventStream` from @gemloop/core/web), resumes a broken connection
// from its replay buffer, stops a run at once on the page's Stop, and takes the page's answers to
// approvals. Each browser gets a session cookie, and its runs are its own: another browser that
// learns a run's id can neither resume it, nor stop it, nor answer its approvals (the `owner`); a
// POST without the cookie is 401.
//
//   POST /chat        { message, conversationId?, files? }  -> server-sent events (docs/browser-protocol.md);
//                     `files` (`@gemloop/client`'s readMessageFiles: base64 data URLs) go to the model
//                     as inline parts of the question, read by @gemloop/serve's readPageMessage: a
//                     file it refuses is a 400 the page shows by its fault, a body past
//                     `maxBodyBytes` (6 MiB) a 413;
//                     with a conversationId, the question is a chat send: the answer sees the
//                     conversation's earlier turns (an in-memory store, the latest 100 conversations);
//                     with Gemloop-Run-Id and Last-Event-ID: the run resumed; with Gemloop-Run-Id
//                     and Gemloop-Cancel: the run stopped (204 | 404)
//   POST /approvals   { approvalId, decision, message? }  -> 204 | 404 | 400

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Agent, createAgent, defineTool, type Gemini } from '@gemloop/core';
import { type ChatSession, createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { createApprovalBroker, createReplayBuffer, writeEventStream } from '@gemloop/core/web';
import type { Part } from '@gemloop/core/wire';
import { MediaPartRefusedError, readPageMessage, toPageRefusal } from '@gemloop/serve/doors';
import { build } from 'esbuild';
import { z } from 'zod';
import { listen } from '../lib/listen.ts';

/** What a run ended with on the server (the Chromium test checks a stopped run was aborted). */
export type ServerRun = { message: string; outcome: 'completed' | 'aborted' | 'failed' };

/** A running chat app. */
export type ChatApp = {
  url: string;
  /** `POST /chat` requests so far (a resumed connection is one more, a Stop's cancel too). */
  readonly chatRequests: number;
  /** Cancel requests (a page's Stop) that stopped a run. */
  readonly cancels: number;
  /** Every run the server started, once it ended, in order. */
  readonly runs: ServerRun[];
  /** Resolves when `count` runs have ended. */
  runsEnded(count: number): Promise<ServerRun[]>;
  /** Lets a waiting `wait_for_news` call finish. */
  releaseNews(): void;
  /** Cuts every open event stream, as a proxy or a flaky network would. */
  dropConnections(): void;
  close(): Promise<void>;
};

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>gemloop browser chat</title>
<style>body{font:16px system-ui;max-width:40rem;margin:2rem auto;overflow-wrap:anywhere}#answer{white-space:pre-wrap;min-height:3rem}</style>
<form id="ask"><input name="q" size="50" placeholder="weather in Paris / email me@example.com / news"> <button>Ask</button>
<button type="button" id="stop">Stop</button></form>
<p id="answer"></p><ul id="tools"></ul><div id="approvals"></div><p id="status"></p>
<script type="module" src="/page.js"></script>`;

const MAX_BODY = 16 * 1024;
/**
 * The chat route's body limit by default: the page's files (4 MiB in all by default, a third more
 * as base64) and the question.
 */
const MAX_CHAT_BODY = 6 * 1024 * 1024;
/** Conversations kept (the oldest forgotten first), and the shape of an id the page may send. */
const MAX_CONVERSATIONS = 100;
const CONVERSATION_ID = /^[\w-]{1,64}$/;

/** A page the app serves at `/`: its HTML and the script (`/page.js`) bundled from `entry`. */
export type ChatPage = { html: string; entry: string };

/** The framework-free page of this example (page.ts, on @gemloop/client). */
export const CLIENT_PAGE: ChatPage = {
  html: PAGE,
  entry: fileURLToPath(new URL('./page.ts', import.meta.url)),
};

/** Starts the app on 127.0.0.1 (`port` 0: any free port), serving `page` (default {@link CLIENT_PAGE}). */
export async function startChatApp({
  gemini,
  model,
  port = 0,
  page = CLIENT_PAGE,
  maxBodyBytes = MAX_CHAT_BODY,
  maxFiles,
}: {
  gemini: Gemini;
  model: string;
  /** The most bytes a `POST /chat` body may have (its files): 413 past it. Default 6 MiB. */
  maxBodyBytes?: number;
  /** The most files one question may carry (`readPageMessage`'s `maxFiles`). Default 10. */
  maxFiles?: number;
  /** A number, or the `--port` flag's text (checked). */
  port?: number | string;
  page?: ChatPage;
}): Promise<ChatApp> {
  // The page's script, bundled once: @gemloop/client and eventsource-parser (and React for the
  // react-chat example's page), nothing of core.
  const bundle = await build({
    entryPoints: [page.entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['@gemloop/source'],
    // React's own files pick their build by NODE_ENV; a page has no `process`.
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    logLevel: 'silent',
  });
  const pageScript = bundle.outputFiles[0]?.text ?? '';

  let news = deferred();
  const approvals = createApprovalBroker();
  const replay = createReplayBuffer({ reconnectWindowMs: 2000 });
  const agent: Agent = createAgent({
    gemini,
    model,
    tools: [
      defineTool({
        name: 'get_weather',
        description: 'The weather in a city.',
        parameters: z.object({ city: z.string() }),
        execute: ({ city }) => ({ city, temperatureC: 18, sky: 'partly cloudy' }),
      }),
      defineTool({
        name: 'send_email',
        description: 'Sends an email.',
        parameters: z.object({ to: z.string(), subject: z.string(), body: z.string() }),
        execute: ({ to }) => ({ sent: true, to }),
      }),
      defineTool({
        name: 'wait_for_news',
        description: 'Waits for the next piece of news.',
        parameters: z.object({}),
        execute: async (_args, { signal }) => {
          await Promise.race([
            news.promise,
            new Promise((_resolve, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
            ),
          ]);
          return { headline: 'The page got every event once.' };
        },
      }),
    ],
    // Only the email waits for a person.
    beforeToolCall: (context) =>
      context.toolName === 'send_email' ? approvals.beforeToolCall(context) : undefined,
  });

  // One chat session per conversation id the page sends, in memory.
  const store = createMemoryHistoryStore();
  const conversations = new Map<string, ChatSession>();
  const conversation = (id: string): ChatSession => {
    let session = conversations.get(id);
    if (session === undefined) {
      session = createChatSession({ agent, store, id });
      conversations.set(id, session);
      for (const [oldest, forgotten] of conversations) {
        if (conversations.size <= MAX_CONVERSATIONS) break;
        conversations.delete(oldest);
        // Its turns go too, so the store stays as bounded as the map.
        forgotten.reset().catch(() => {});
      }
    }
    return session;
  };

  const runs: ServerRun[] = [];
  const waiters: { count: number; resolve: (runs: ServerRun[]) => void }[] = [];
  const record = (run: ServerRun): void => {
    runs.push(run);
    for (const waiter of waiters.splice(0)) {
      if (runs.length >= waiter.count) waiter.resolve([...runs]);
      else waiters.push(waiter);
    }
  };
  const open = new Set<ServerResponse>();
  let chatRequests = 0;
  let cancels = 0;

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'GET' && request.url === '/') {
      // The demo's whole sign-in: a random session per browser. An app reads its own session.
      const session = sessionOf(request) === undefined ? crypto.randomUUID() : undefined;
      response
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          ...(session === undefined
            ? {}
            : { 'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/` }),
        })
        .end(page.html);
      return;
    }
    if (request.method === 'GET' && request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(pageScript);
      return;
    }
    // Whose request this is: the owner its runs are started with and checked against. None: not
    // served, as an app serves no one who is not signed in. Without an owner, every caller
    // without the cookie shared one space of conversation ids (the page makes them up, a stranger
    // guesses them), and read the others' earlier turns (attack21).
    const owner = sessionOf(request);
    if (owner === undefined && request.method === 'POST') {
      request.resume();
      sendJson(response, 401, {
        error: 'No session: open the page first, it gives this browser its session cookie.',
      });
      return;
    }
    if (request.method === 'POST' && request.url === '/approvals') {
      const body = await readBody(request);
      if (body === undefined) {
        sendJson(response, 413, { error: `The body is over ${MAX_BODY} bytes.` });
        return;
      }
      const answered = await approvals.handleAnswer(toWebRequest(request, body), { owner });
      response.writeHead(answered.status, Object.fromEntries(answered.headers));
      response.end(Buffer.from(await answered.arrayBuffer()));
      return;
    }
    if (request.method === 'POST' && request.url === '/chat') {
      chatRequests++;
      open.add(response);
      response.on('close', () => open.delete(response));
      // A page whose connection broke asks again with Gemloop-Run-Id and Last-Event-ID; a page's
      // Stop sends Gemloop-Run-Id and Gemloop-Cancel (the run stops now, not after
      // reconnectWindowMs). Either only for the browser whose run it is.
      const continued = replay.resume(request, { owner });
      if (continued !== undefined) {
        if (continued.status === 204) cancels++;
        await writeEventStream(response, continued);
        return;
      }
      const asked = await readChatRequest(request, { maxBodyBytes, maxFiles });
      if ('error' in asked) {
        // The page's @gemloop/client reads a refused file's fault from this body (`file-refused`);
        // any other error, its status (a 500 with no body said nothing).
        sendJson(
          response,
          asked.status,
          'refusal' in asked ? asked.refusal : { error: asked.error },
        );
        return;
      }
      const { message, conversationId, input } = asked;
      const stream =
        conversationId === undefined
          ? agent.stream(input)
          : // A conversation is its browser's too: another one's id names another conversation.
            conversation(`${owner}:${conversationId}`).sendStream(input);
      stream.result.then(
        () => record({ message, outcome: 'completed' }),
        (error: Error) =>
          record({ message, outcome: error.name === 'AgentAbortedError' ? 'aborted' : 'failed' }),
      );
      await writeEventStream(response, stream, {
        replay,
        approvals,
        owner,
        onError: (error) => console.error('run failed:', error),
      });
      return;
    }
    response.writeHead(404).end();
  }

  await listen(server, port);
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    runs,
    get chatRequests() {
      return chatRequests;
    },
    get cancels() {
      return cancels;
    },
    runsEnded: (count) =>
      runs.length >= count
        ? Promise.resolve([...runs])
        : new Promise((resolve) => waiters.push({ count, resolve })),
    releaseNews() {
      news.resolve();
      news = deferred();
    },
    dropConnections() {
      for (const response of open) response.socket?.destroy();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    },
  };
}

/** What `POST /chat` asks, or why it cannot be asked (status and a message for the page). */
export type ChatRequest =
  | { message: string; conversationId: string | undefined; input: string | Part[] }
  | { status: 400 | 413; error: string }
  | { status: 400; error: string; refusal: ReturnType<typeof toPageRefusal> };

/**
 * Reads `POST /chat`'s body: `{ message, conversationId?, files? }`, a non-empty message (not
 * `undefined` sent to the model as the text "undefined"), and its files as the model's inline
 * parts (`input`; the message itself without files). A conversation id of another shape is left
 * out (a question of its own).
 */
export async function readChatRequest(
  request: AsyncIterable<Uint8Array | string>,
  {
    maxBodyBytes = MAX_BODY,
    maxFiles,
  }: { maxBodyBytes?: number; maxFiles?: number | undefined } = {},
): Promise<ChatRequest> {
  const body = await readBody(request, maxBodyBytes);
  if (body === undefined) return { status: 413, error: `The body is over ${maxBodyBytes} bytes.` };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {
      status: 400,
      error: 'The body must be JSON: { "message": string, "conversationId"?: string }.',
    };
  }
  const { message, conversationId, files } =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  if (typeof message !== 'string' || message.trim() === '') {
    return {
      status: 400,
      error: 'The body must have a "message": the question, a non-empty string.',
    };
  }
  let input: string | Part[];
  try {
    input = readPageMessage({ message, files, maxFiles }).input;
  } catch (error) {
    if (!MediaPartRefusedError.isInstance(error)) throw error;
    return { status: 400, error: error.message, refusal: toPageRefusal(error) };
  }
  return {
    message,
    input,
    conversationId:
      typeof conversationId === 'string' && CONVERSATION_ID.test(conversationId)
        ? conversationId
        : undefined,
  };
}

/**
 * A request body as text, `undefined` past `maxBytes` (16 KB by default). Decoded once at the end: a chunk decoded alone
 * turned a character split between two chunks (an emoji, by a proxy or a slow network) into U+FFFD.
 */
async function readBody(
  request: AsyncIterable<Uint8Array | string>,
  maxBytes = MAX_BODY,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    bytes += buffer.byteLength;
    if (bytes > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const SESSION_COOKIE = 'demo-session';

/** The session id of the request's cookie, if it has one. */
function sessionOf(request: IncomingMessage): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = pair.trim().split('=');
    if (name === SESSION_COOKIE && value !== undefined && /^[\w-]{1,64}$/.test(value)) return value;
  }
  return undefined;
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** A node:http request and its body as a web Request (what the broker's handleAnswer takes). */
function toWebRequest(request: IncomingMessage, body: string): Request {
  return new Request(`http://localhost${request.url ?? '/'}`, {
    method: request.method ?? 'POST',
    headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
    body,
  });
}

/** A promise and its resolve (Promise.withResolvers is Node 22+; examples run on Node 20.19). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
