import { describe, expect, it } from 'vitest';
import { createMcpElicitationBroker } from './create-mcp-elicitation-broker.ts';
import type { McpElicitationAnswer, McpElicitationRequest } from './mcp-elicitation.ts';

// The broker attacked from outside: a hostile MCP server's requests (huge enums, field names
// that are Object.prototype's, javascript: URLs) and a careless page's answers.

type FormRequest = Extract<McpElicitationRequest, { mode: 'form' }>;

function ask(
  broker: ReturnType<typeof createMcpElicitationBroker>,
  request: McpElicitationRequest,
): { answer: Promise<McpElicitationAnswer>; id: () => string; stop: () => void } {
  const controller = new AbortController();
  const answer = Promise.resolve(
    broker.handler(request, { signal: controller.signal, toolCalls: [] }),
  );
  return {
    answer,
    id: () => broker.pending.at(-1)!.id,
    stop: () => controller.abort(),
  };
}

function form(properties: FormRequest['requestedSchema']['properties'], required?: string[]) {
  return {
    mode: 'form',
    server: 'server "hostile"',
    message: 'Fill this in',
    requestedSchema: { type: 'object', properties, ...(required ? { required } : {}) },
  } satisfies FormRequest;
}

async function post(
  broker: ReturnType<typeof createMcpElicitationBroker>,
  body: unknown,
): Promise<{ status: number; error?: string }> {
  const response = await broker.handleAnswer(
    new Request('http://127.0.0.1/elicitations', { method: 'POST', body: JSON.stringify(body) }),
  );
  return response.status === 204
    ? { status: 204 }
    : { status: response.status, ...((await response.json()) as { error: string }) };
}

describe('the elicitation broker under attack', () => {
  it("keeps a 400's error short for an enum of 100,000 choices and a 10,000-character field name", async () => {
    const broker = createMcpElicitationBroker();
    const choices = Array.from({ length: 100_000 }, (_, index) => `choice-${index}`);
    const longName = 'n'.repeat(10_000);
    const asked = ask(
      broker,
      form(
        {
          pick: { type: 'string', enum: choices },
          many: { type: 'array', items: { type: 'string', enum: choices } },
          [longName]: { type: 'string' },
        },
        [longName],
      ),
    );
    const id = asked.id();
    const wrongChoice = await post(broker, {
      id,
      action: 'accept',
      content: { pick: 'nope', [longName]: 'x' },
    });
    expect(wrongChoice.status).toBe(400);
    expect(wrongChoice.error).toMatch(
      /"pick" must be one of "choice-0", "choice-1", .*99,\d+ more/,
    );
    expect(wrongChoice.error!.length).toBeLessThan(1000);

    const wrongItem = await post(broker, {
      id,
      action: 'accept',
      content: { many: ['nope'], [longName]: 'x' },
    });
    expect(wrongItem.status).toBe(400);
    expect(wrongItem.error).toMatch(/"many" may hold only "choice-0", .*more/);
    expect(wrongItem.error!.length).toBeLessThan(1000);

    const missing = await post(broker, { id, action: 'accept', content: {} });
    expect(missing.status).toBe(400);
    expect(missing.error).toMatch(/^The field "nnnn.*…" is required\.$/);
    expect(missing.error!.length).toBeLessThan(1000);

    // Still waiting: a bad answer loses nothing.
    expect(broker.pending.map((each) => each.id)).toEqual([id]);
    asked.stop();
    await expect(asked.answer).resolves.toEqual({ action: 'cancel' });
  });

  it("treats fields named after Object.prototype's members (toString, constructor) as any other", async () => {
    const broker = createMcpElicitationBroker();
    const asked = ask(
      broker,
      form(
        {
          toString: { type: 'string' },
          constructor: { type: 'string' },
          valueOf: { type: 'integer' },
        },
        ['constructor'],
      ),
    );
    const id = asked.id();
    // A required field left out is named as such, not "must be text" (the inherited function).
    const missing = await post(broker, { id, action: 'accept', content: {} });
    expect(missing).toEqual({ status: 400, error: 'The field "constructor" is required.' });
    // Optional fields left out are left out, not read off Object.prototype.
    expect(await post(broker, { id, action: 'accept', content: { constructor: 'ok' } })).toEqual({
      status: 204,
    });
    await expect(asked.answer).resolves.toEqual({
      action: 'accept',
      content: { constructor: 'ok' },
    });
  });

  it('refuses an answer with a Content-Encoding (plain JSON labelled br) with a 415, unread: the request still waits (attack44a)', async () => {
    const broker = createMcpElicitationBroker();
    const asked = ask(broker, form({ name: { type: 'string' } }));
    const id = asked.id();
    const response = await broker.handleAnswer(
      new Request('http://127.0.0.1/elicitations', {
        method: 'POST',
        headers: { 'content-encoding': 'br' },
        body: JSON.stringify({ id, action: 'accept', content: { name: 'a' } }),
      }),
    );
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: string }).error).toContain('uncompressed');
    expect(broker.pending).toHaveLength(1);
    asked.stop();
    await asked.answer;
  });

  it('refuses a __proto__ field a page posts, and keeps the request waiting', async () => {
    const broker = createMcpElicitationBroker();
    const asked = ask(broker, form({ name: { type: 'string' } }));
    const id = asked.id();
    const response = await broker.handleAnswer(
      new Request('http://127.0.0.1/elicitations', {
        method: 'POST',
        body: `{"id":${JSON.stringify(id)},"action":"accept","content":{"name":"a","__proto__":{"polluted":true}}}`,
      }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      'The form has no field "__proto__".',
    );
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(broker.pending).toHaveLength(1);
    asked.stop();
    await asked.answer;
  });

  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['file:', 'file:///etc/passwd'],
    ['credentials', 'https://user:hunter2@bank.example/pay'],
    ['a login that spoofs a host', 'https://bank.example@evil.example/pay'],
    ['no URL', 'not a url'],
  ])('declines a URL request with %s at once, never showing it to a page', async (_, url) => {
    const broker = createMcpElicitationBroker();
    const shown: unknown[] = [];
    broker.subscribe((event) => shown.push(event));
    const asked = ask(broker, {
      mode: 'url',
      server: 'server "hostile"',
      message: 'Open this',
      url,
      elicitationId: 'e-1',
    });
    expect(shown).toEqual([]);
    expect(broker.pending).toEqual([]);
    // Had it waited, stopping it now would answer `cancel`.
    asked.stop();
    await expect(asked.answer).resolves.toEqual({ action: 'decline' });
  });

  it('still shows an https or http URL to the page', async () => {
    const broker = createMcpElicitationBroker();
    const asked = ask(broker, {
      mode: 'url',
      server: 'server "bank"',
      message: 'Pay',
      url: 'https://bank.example/pay?ref=1',
      elicitationId: 'e-1',
    });
    expect(broker.pending.map((each) => (each.request as { url: string }).url)).toEqual([
      'https://bank.example/pay?ref=1',
    ]);
    expect(broker.answer(asked.id(), { action: 'accept' })).toBe(true);
    await expect(asked.answer).resolves.toEqual({ action: 'accept' });
  });

  it('answers a flood of 5,000 requests at once: maxPending wait, the rest declined', async () => {
    const broker = createMcpElicitationBroker({ maxPending: 20 });
    const asked = Array.from({ length: 5_000 }, () => ask(broker, form({ a: { type: 'string' } })));
    expect(broker.pending).toHaveLength(20);
    const declined = await Promise.all(asked.slice(20).map((each) => each.answer));
    expect(declined.every((answer) => answer.action === 'decline')).toBe(true);
    // Answered twice at once: one wins, the other finds nothing waiting.
    const first = broker.pending[0]!.id;
    const [one, two] = await Promise.all([
      post(broker, { id: first, action: 'decline' }),
      post(broker, { id: first, action: 'cancel' }),
    ]);
    expect([one.status, two.status].sort()).toEqual([204, 404]);
    await expect(asked[0]!.answer).resolves.toEqual({ action: 'decline' });
    for (const each of asked) each.stop();
    await Promise.all(asked.map((each) => each.answer));
    expect(broker.pending).toEqual([]);
  });

  it.each([
    [{ id: 42, action: 'accept' }, /id must be the string id/],
    [{ action: 'accept' }, /id must be the string id/],
    [{ id: 'x', action: 'yes' }, /answer.action must be/],
    [[1, 2], /id must be the string id/],
    ['just text', /id must be the string id/],
  ])('answers a malformed post %j with 400 naming the problem', async (body, message) => {
    const broker = createMcpElicitationBroker();
    const result = await post(broker, body);
    expect(result.status).toBe(400);
    expect(result.error).toMatch(message);
  });
});
