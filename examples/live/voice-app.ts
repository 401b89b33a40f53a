// The server of the live voice page: it keeps the Gemini API key, mints one ephemeral token per
// session (`createLiveToken`: POST /v1alpha/auth_tokens, the agent's setup locked into it), and
// serves the page, which opens its own Live session with the token on the constrained endpoint
// (`BidiGenerateContentConstrained?access_token=`, @google/genai src/live.ts) and talks straight
// to Google: the key never reaches the page, and the audio never goes through this server.
//
//   GET  /          the page (voice-page.ts, bundled with esbuild)
//   POST /token     { token, liveBaseUrl, model } for one new session (uses: 1, 60 s to start)
//
// Google's docs on ephemeral tokens: https://ai.google.dev/gemini-api/docs/ephemeral-tokens

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Agent } from '@gemloop/core';
import { createLiveToken } from '@gemloop/core/live';
import { build } from 'esbuild';
import { listen } from '../lib/listen.ts';

/** A running voice app. */
export type VoiceApp = {
  url: string;
  /** Tokens minted so far (one per page session). */
  readonly tokensMinted: number;
  close(): Promise<void>;
};

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>gemloop live voice</title>
<style>body{font:16px system-ui;max-width:40rem;margin:2rem auto}#log{white-space:pre-wrap}</style>
<h1>Talk to the agent</h1>
<button id="start">Start talking</button> <button id="stop" disabled>Stop</button>
<p id="status">idle</p>
<p>You: <span id="you"></span></p>
<p>Agent: <span id="agent"></span></p>
<div id="log"></div>
<script type="module" src="/page.js"></script>`;

/** A token request's body is ignored; anything larger than this is refused unread. */
const MAX_BODY = 1024;

/**
 * Starts the app on 127.0.0.1 (`port` 0: any free port). `agent` is the server's: its key mints
 * the tokens and its tools, instructions and options are what each token locks. `liveBaseUrl` is
 * where the page opens its session (Google's API, or the fake Live server offline).
 */
export async function startVoiceApp({
  agent,
  model,
  liveBaseUrl,
  port = 0,
}: {
  agent: Agent<unknown>;
  model: string;
  liveBaseUrl: string;
  port?: number | string;
}): Promise<VoiceApp> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./voice-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['@gemloop/source'],
    logLevel: 'silent',
  });
  const pageScript = bundle.outputFiles[0]?.text ?? '';
  let tokensMinted = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(PAGE);
      return;
    }
    if (request.method === 'GET' && path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(pageScript);
      return;
    }
    if (request.method === 'POST' && path === '/token') {
      // A real app checks its user's session here (a cookie) before minting, and rate-limits.
      if (Number(request.headers['content-length'] ?? 0) > MAX_BODY) {
        response.writeHead(413).end();
        return;
      }
      request.resume();
      try {
        const token = await createLiveToken(agent, {
          model,
          modality: 'audio',
          uses: 1,
          newSessionExpireTime: new Date(Date.now() + 60_000),
        });
        tokensMinted += 1;
        response.writeHead(200, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        });
        response.end(JSON.stringify({ token: token.name, liveBaseUrl, model }));
      } catch {
        // The error may name the upstream; the page only learns that no token came.
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'Could not start a voice session.' }));
      }
      return;
    }
    response.writeHead(404).end();
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await listen(server, port);
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    get tokensMinted() {
      return tokensMinted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
