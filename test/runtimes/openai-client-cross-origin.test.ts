import { createAgent, createGemini } from '@gemloop/core';
import { mountDoors } from '@gemloop/serve/doors';
import { toNodeListener } from '@gemloop/serve/node';
import { createFakeGemini, turn } from '@gemloop/testing';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { type LocalServer, listenLocal } from './support/listen-local.ts';

// The official `openai` client in a page of a listed origin, in Debian's Chromium (attack-doors7).
// The client sends its own headers from a browser too (`X-Stainless-Lang`, `-OS`, `-Arch`,
// `-Runtime`, `-Package-Version`, `-Retry-Count`, `-Timeout`: openai-node's detect-platform.js and
// client.js), so the browser's preflight asks for them; a door whose preflight did not grant them
// was unreachable from such a page, whatever `allowedOrigins` said.

const TOKEN = 'page-token-0123456789';
const PAGE = '<!doctype html><title>page</title><p>page</p>';

describe('the official openai client in a page of a listed origin, in Chromium', () => {
  let chromium: BrowserSession;
  let listed: LocalServer;
  let door: LocalServer;
  let fake: ReturnType<typeof createFakeGemini>;
  let script: string;
  beforeAll(async () => {
    const bundle = build({
      stdin: {
        contents: "import OpenAI from 'openai'; globalThis.OpenAI = OpenAI;",
        resolveDir: new URL('../../packages/serve/', import.meta.url).pathname,
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const page = (_request: unknown, response: import('node:http').ServerResponse) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(PAGE);
    };
    let built: Awaited<typeof bundle>;
    [listed, chromium, built] = await Promise.all([
      listenLocal(page),
      openBrowserContext(),
      bundle,
    ]);
    script = built.outputFiles[0]?.text ?? '';
    fake = createFakeGemini({ script: [turn.text('Hello, page.'), turn.text('Streamed, page.')] });
    const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const doors = mountDoors({
      authorize: (request) =>
        request.headers.get('authorization') === `Bearer ${TOKEN}` ? 'page-user' : null,
      openai: { agents: { support: agent }, allowedOrigins: [listed.url] },
    });
    door = await listenLocal(toNodeListener(doors.handler));
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), listed?.close(), door?.close()]);
  });

  it('creates a completion, unary and streamed', async () => {
    const page = await chromium.context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'OPTIONS') return;
      requested.push(Object.keys(request.headers()).join(','));
    });
    try {
      await page.goto(listed.url);
      await page.addScriptTag({ content: script, type: 'module' });
      await page.waitForFunction(() => 'OpenAI' in globalThis);
      const answer = await page.evaluate(
        async ({ baseURL, apiKey }) => {
          type Client = {
            chat: {
              completions: {
                create(
                  body: object,
                ): Promise<
                  | { choices: { message: { content: string } }[] }
                  | AsyncIterable<{ choices: { delta: { content?: string } }[] }>
                >;
              };
            };
          };
          const OpenAI = (globalThis as unknown as { OpenAI: new (options: object) => Client })
            .OpenAI;
          const client = new OpenAI({
            baseURL,
            apiKey,
            dangerouslyAllowBrowser: true,
            maxRetries: 0,
          });
          try {
            const unary = (await client.chat.completions.create({
              model: 'support',
              messages: [{ role: 'user', content: 'Hi' }],
            })) as { choices: { message: { content: string } }[] };
            const stream = (await client.chat.completions.create({
              model: 'support',
              messages: [{ role: 'user', content: 'Hi' }],
              stream: true,
            })) as AsyncIterable<{ choices: { delta: { content?: string } }[] }>;
            let streamed = '';
            for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
            return { unary: unary.choices[0]?.message.content, streamed };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { baseURL: `${door.url}/v1`, apiKey: TOKEN },
      );
      expect(answer).toEqual({ unary: 'Hello, page.', streamed: 'Streamed, page.' });
      // The client's own headers were sent (so the preflight asked for them).
      expect(requested.join(';')).toContain('x-stainless-lang');
    } finally {
      await page.close();
    }
  });
});
