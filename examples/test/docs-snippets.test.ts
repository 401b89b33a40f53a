import type { AddressInfo } from 'node:net';
import { type BrowserEvent, streamAgent } from '@gemloop/client';
import { type Agent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeRun, runExample } from './run-example-process.ts';

// The code the guides in docs/ show lives in test/docs/: typechecked with the examples, and run
// here against the fake (demoModel) with GEMINI_API_KEY and GEMINI_BASE_URL pointing at it.

const KEY = 'docs-test-key-0123456789';
let fake: FakeGemini;
let agent: Agent;
// The two variables as they were, put back after: the project's files share a worker process
// (vitest.config.ts), so the next file sees the environment this one found.
const saved = {
  GEMINI_API_KEY: process.env['GEMINI_API_KEY'],
  GEMINI_BASE_URL: process.env['GEMINI_BASE_URL'],
};

beforeAll(async () => {
  fake = createFakeGemini({ script: demoModel() });
  const { url } = await fake.listen();
  // chat-agent.ts calls createGemini() at import, as an app's module would: set its env first.
  process.env['GEMINI_API_KEY'] = KEY;
  process.env['GEMINI_BASE_URL'] = url;
  ({ agent } = await import('./docs/sse/chat-agent.ts'));
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await fake?.close();
});

/** The events of an SSE body. */
function parseSse(text: string): BrowserEvent[] {
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
    .map((data) => JSON.parse(data) as BrowserEvent);
}

function expectWeatherRun(events: BrowserEvent[]): void {
  expect(events[0]).toMatchObject({ type: 'start', protocol: 1 });
  expect(events).toContainEqual(
    expect.objectContaining({ type: 'tool-call', toolName: 'get_weather' }),
  );
  expect(events).toContainEqual(
    expect.objectContaining({ type: 'tool-result', toolName: 'get_weather', outcome: 'success' }),
  );
  const text = events
    .flatMap((event) => (event.type === 'text-delta' ? [event.text] : []))
    .join('');
  expect(text).toContain('Paris');
  expect(events.at(-1)).toMatchObject({
    type: 'finish',
    outcome: 'completed',
    finishReason: 'stop',
  });
  expect(JSON.stringify(events)).not.toContain(KEY);
}

/** The events of a run read with @gemloop/client, as the guide's page reads them. */
async function readWithClient(url: string): Promise<BrowserEvent[]> {
  const events: BrowserEvent[] = [];
  await streamAgent(url, {
    body: { message: 'Weather in Paris?' },
    onEvent: (event) => events.push(event),
  });
  return events;
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
      expectWeatherRun(await readWithClient(await listen(server)));
    } finally {
      server.close();
    }
  });

  it('Express streams the run', async () => {
    const { createExpressApp } = await import('./docs/sse/express-app.ts');
    const server = createExpressApp(agent).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
      expectWeatherRun(await readWithClient(url));
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

  it('Hono ends a failed run with an error event, not an empty 200 (issue 28)', async () => {
    const { createHonoApp } = await import('./docs/sse/hono-app.ts');
    // A model that answers 500: the first model call fails.
    const broken = createFakeGemini({ faults: [{ fault: { type: 'internal' } }] });
    const failing = createAgent({
      gemini: createGemini({ apiKey: KEY, fetch: broken.fetch, retry: false }),
      model: 'gemini-3-flash-preview',
    });
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (error: unknown) => logged.push(error);
    try {
      const response = await createHonoApp(failing).request('/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Hi' }),
      });
      expect(response.status).toBe(200);
      const events = parseSse(await response.text());
      expect(events.map((event) => event.type)).toEqual(['start', 'step-start', 'error', 'finish']);
      expect(events[2]).toMatchObject({ error: { name: 'ModelCallError' } });
      expect(logged).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });

  it('the protocol page`s Hono app resumes a run and takes an approval from the page', async () => {
    const { createResumableApp } = await import('./docs/sse/hono-resume-app.ts');
    const { createApprovalBroker } = await import('@gemloop/core/web');
    const approvals = createApprovalBroker();
    const model = createFakeGemini({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('Sunny in Paris.')],
    });
    const weatherAgent = createAgent({
      gemini: createGemini({ apiKey: KEY, fetch: model.fetch, retry: false }),
      model: 'gemini-3-flash-preview',
      tools: [
        defineTool({
          name: 'get_weather',
          description: 'Weather.',
          parameters: z.object({ city: z.string() }),
          execute: ({ city }) => ({ city, sky: 'sunny' }),
        }),
      ],
      beforeToolCall: approvals.beforeToolCall,
    });
    // The user is a header here; an app reads its session.
    const app = createResumableApp(
      weatherAgent,
      approvals,
      (request) => request.headers.get('x-user') ?? 'nobody',
    );
    const strangers: number[] = [];
    const events: BrowserEvent[] = [];
    let cut = false;
    // The first connection breaks at the approval; the client resumes, then the page approves.
    const flaky: typeof fetch = async (input, init) => {
      const response = await app.request(String(input), init as RequestInit);
      if (cut || response.status !== 200 || response.body === null) return response;
      cut = true;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          seen += done ? '' : decoder.decode(value, { stream: true });
          if (done || seen.includes('event: approval-pending')) {
            if (!done) controller.enqueue(value);
            await reader.cancel();
            controller.error(new TypeError('network error'));
            return;
          }
          controller.enqueue(value);
        },
      });
      return new Response(body, { headers: response.headers });
    };
    const answer = (approvalId: string, user: string) =>
      app.request('/approvals', {
        method: 'POST',
        headers: { 'x-user': user },
        body: JSON.stringify({ approvalId, decision: 'approve' }),
      });
    await streamAgent('http://app/chat', {
      fetch: flaky,
      headers: { 'x-user': 'alice' },
      body: { message: 'Weather in Paris?' },
      reconnectDelayMs: 1,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'approval-pending') {
          // Another user who learned the approval's id cannot answer it; Alice can.
          void Promise.resolve(answer(event.approvalId, 'bob'))
            .then((refused) => strangers.push(refused.status))
            .then(() => answer(event.approvalId, 'alice'));
        }
      },
    });
    expect(strangers).toEqual([404]);
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'start')).toHaveLength(1);
    expect(types).toContain('approval-resolved');
    expect(events.at(-1)).toMatchObject({ type: 'finish', outcome: 'completed' });
    expect(
      events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join(''),
    ).toBe('Sunny in Paris.');
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

// client-media56: the guide's route for a page's files: the photo reaches the model inline, and a
// file it refuses is the 400 the page's client reads as `file-refused`.
describe('a route that takes a page`s files (readPageMessage)', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]).toString(
    'base64',
  );
  const post = async (body: object) => {
    const { POST } = await import('./docs/sse/next-files-route.ts');
    return POST(
      new Request('http://localhost/api/chat', { method: 'POST', body: JSON.stringify(body) }),
    );
  };

  it('streams a run whose question holds the photo as inlineData', async () => {
    const before = fake.requests.length;
    const response = await post({
      message: 'Weather in Paris?',
      files: [
        {
          url: `data:image/png;base64,${png}`,
          mediaType: 'image/png',
          filename: 'a.png',
          size: 11,
        },
      ],
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectWeatherRun(parseSse(await response.text()));
    const first = fake.requests[before]?.body as { contents: { parts: unknown[] }[] };
    expect(first.contents[0]?.parts).toEqual([
      { text: 'Weather in Paris?' },
      { inlineData: { mimeType: 'image/png', data: png } },
    ]);
  });

  it('a remote URL is refused, never fetched: the page`s file-refused, no model call', async () => {
    const before = fake.requests.length;
    const response = await post({
      message: 'And this?',
      files: [{ url: `data:image/png;base64,${png}` }, { url: 'http://169.254.169.254/latest' }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'file-refused', file: 1, fault: 'not-a-file' },
    });
    expect(fake.requests.length).toBe(before);
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
