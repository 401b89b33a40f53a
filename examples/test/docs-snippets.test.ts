import type { AddressInfo } from 'node:net';
import type { Agent } from '@gemloop/core';
import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamChat } from './docs/sse/browser-client.ts';
import type { ChatEvent } from './docs/sse/sse-events.ts';
import { describeRun, runExample } from './run-example-process.ts';

// The code the guides in docs/ show lives in test/docs/: typechecked with the examples, and run
// here against the fake (demoModel) with GEMINI_API_KEY and GEMINI_BASE_URL pointing at it.

const KEY = 'docs-test-key-0123456789';
let fake: FakeGemini;
let agent: Agent;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  fake = createFakeGemini({ script: demoModel() });
  const { url } = await fake.listen();
  // chat-agent.ts calls createGemini() at import, as an app's module would: set its env first.
  process.env['GEMINI_API_KEY'] = KEY;
  process.env['GEMINI_BASE_URL'] = url;
  ({ agent } = await import('./docs/sse/chat-agent.ts'));
});

afterAll(async () => {
  process.env = savedEnvironment;
  await fake?.close();
});

/** The chat events in an SSE body, parsed as the browser client parses them. */
function parseSse(text: string): ChatEvent[] {
  return text
    .split('\n\n')
    .map((frame) =>
      frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data) as ChatEvent);
}

function expectWeatherRun(events: ChatEvent[]): void {
  expect(events).toContainEqual({ type: 'tool', name: 'get_weather', status: 'running' });
  expect(events).toContainEqual({ type: 'tool', name: 'get_weather', status: 'done' });
  const text = events.flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('');
  expect(text).toContain('Paris');
  expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
  expect(JSON.stringify(events)).not.toContain(KEY);
}

async function listen(server: import('node:http').Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
}

describe('streaming a run to a browser', () => {
  it('node:http streams the run, and the browser client reads it', async () => {
    const { createChatServer } = await import('./docs/sse/node-http-server.ts');
    const server = createChatServer(agent);
    try {
      const events: ChatEvent[] = [];
      await streamChat('Weather in Paris?', (event) => events.push(event), {
        url: await listen(server),
      });
      expectWeatherRun(events);
    } finally {
      server.close();
    }
  });

  it('Express streams the run', async () => {
    const { createExpressApp } = await import('./docs/sse/express-app.ts');
    const server = createExpressApp(agent).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const events: ChatEvent[] = [];
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
      await streamChat('Weather in Paris?', (event) => events.push(event), { url });
      expectWeatherRun(events);
    } finally {
      server.close();
    }
  });

  it('Hono streams the run', async () => {
    const { createHonoApp } = await import('./docs/sse/hono-app.ts');
    const response = await createHonoApp(agent).request('/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Weather in Paris?' }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectWeatherRun(parseSse(await response.text()));
  });

  it('a Next.js route handler streams the run', async () => {
    const { POST } = await import('./docs/sse/next-route.ts');
    const response = await POST(
      new Request('http://localhost/api/chat', {
        method: 'POST',
        body: JSON.stringify({ message: 'Weather in Paris?' }),
      }),
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectWeatherRun(parseSse(await response.text()));
  });
});

describe.concurrent('the migration guides', () => {
  it.each(['migrate-from-genai', 'migrate-from-ai-sdk'])(
    '%s runs against the fake',
    async (name) => {
      const { url } = await fake.listen();
      const run = await runExample(`test/docs/${name}.ts`, {
        env: { GEMINI_API_KEY: KEY, GEMINI_BASE_URL: url },
      });
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(KEY);
    },
  );
});
