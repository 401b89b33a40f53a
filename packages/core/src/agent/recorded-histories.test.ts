import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { callFake } from '../../../testing/src/__fixtures__/call-fake.ts';
import { readFixtureJson } from '../__fixtures__/recorded-gemini.ts';
import type { HistoryIssue } from '../history/history-issue.ts';
import { validateHistory } from '../history/validate-history.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Logger } from '../logging/logger.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { createAgent } from './create-agent.ts';

// Histories that the real API answered 200 to, recorded by other projects (issue 26; sources and
// licences in test/fixtures/gemini/SOURCES.md). Each one passes the client's check, the fake's
// default check, and goes through an agent to the fake with its contents unchanged. The fake's
// opt-in strict mode (gemloop's own shape) refuses some of them: the table says which, and how.

const COUNT_MISMATCH =
  'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';

type Recorded = {
  file: string;
  model: string;
  /** What `createFakeGemini({ strictHistory: true })` answers: the status and the error text. */
  strict: { status: 200 } | { status: 400; message: string };
};

const recorded: Recorded[] = [
  {
    // Two consecutive model contents of one call each, answered by one user content.
    file: 'gemini3-flash__two-model-call-contents-answered-by-one-user-content.request.json',
    model: 'gemini-3-flash-preview',
    strict: { status: 400, message: COUNT_MISMATCH },
  },
  {
    file: 'gemini3-flash__foreign-history-two-model-call-contents-one-response-content.request.json',
    model: 'gemini-3-flash-preview',
    strict: { status: 400, message: COUNT_MISMATCH },
  },
  {
    // A function response content, then the user's text in a content of its own.
    file: 'gemini3-flash__function-response-then-user-text-in-two-contents.request.json',
    model: 'gemini-3-flash-preview',
    strict: { status: 200 },
  },
  {
    // One model content of three calls, answered by three consecutive user contents.
    file: 'gemini25-flash__three-calls-answered-by-three-user-contents.request.json',
    model: 'gemini-2.5-flash',
    strict: { status: 400, message: COUNT_MISMATCH },
  },
  {
    file: 'gemini25-flash__three-calls-answered-by-three-user-contents-then-text.request.json',
    model: 'gemini-2.5-flash',
    strict: { status: 400, message: COUNT_MISMATCH },
  },
  {
    // A part holding only videoMetadata right after the video's inlineData part.
    file: 'gemini20-flash__video-part-then-videoMetadata-only-part.request.json',
    model: 'gemini-2.0-flash',
    strict: {
      status: 400,
      message:
        "* GenerateContentRequest.contents[0].parts[2].data: required oneof field 'data' must have one initialized field\n",
    },
  },
];

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function fake(options: Parameters<typeof createFakeGemini>[0] = {}): FakeGemini {
  // Real Google signatures: the fake cannot have issued them, so only their presence is checked.
  const created = createFakeGemini({ signatureValidation: 'present', ...options });
  fakes.push(created);
  return created;
}

/** A logger that keeps the warnings and fails the test on an error. */
function warningsLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger = {
    child: () => logger,
    debug: () => {},
    info: () => {},
    warn: (_fields, message) => warnings.push(message ?? ''),
    error: (_fields, message) => {
      throw new Error(`unexpected error log: ${message}`);
    },
  };
  return { logger, warnings };
}

const errorMessage = (json: unknown): unknown =>
  (json as { error?: { message?: unknown } } | undefined)?.error?.message;

describe.each(recorded)('the recorded history $file (answered 200 by the API)', (entry) => {
  const body = readFixtureJson<{ contents: Content[] }>(`requests/${entry.file}`);

  it('passes the client check with no issue and no warning', () => {
    const warnings: HistoryIssue[] = [];
    const issues = validateHistory(body.contents, {
      requireThoughtSignatures: entry.model.startsWith('gemini-3'),
      onWarning: (issue) => warnings.push(issue),
    });
    expect(issues).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("is answered 200 by the fake's default check", async () => {
    const result = await callFake(fake(), body, { model: entry.model });
    expect(result.status, result.text).toBe(200);
  });

  it('gets the documented answer from the fake in strict mode', async () => {
    const result = await callFake(fake({ strictHistory: true }), body, { model: entry.model });
    expect(result.status, result.text).toBe(entry.strict.status);
    if (entry.strict.status === 400) expect(errorMessage(result.json)).toBe(entry.strict.message);
  });

  it('reaches the wire unchanged when an agent continues it', async () => {
    const server = fake({ script: [turn.text('Done.')] });
    const { url } = await server.listen();
    const { logger, warnings } = warningsLogger();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: entry.model,
      logger,
    });
    const contents = structuredClone(body.contents);
    const result = await agent.run(contents);
    expect(result.text).toBe('Done.');
    expect(server.modelRequests).toHaveLength(1);
    const sent = server.modelRequests[0] as (typeof server.modelRequests)[number];
    expect(sent.status).toBe(200);
    // Byte for byte: same contents, same key order, nothing added, merged or dropped.
    expect(JSON.stringify((sent.body as { contents: unknown }).contents)).toBe(
      JSON.stringify(body.contents),
    );
    expect(warnings).toEqual([]);
  });
});

describe('a history the API may refuse (no recording says)', () => {
  it('is sent, and the agent logs a warning that names where and why', async () => {
    const server = fake({ script: [turn.text('Done.')] });
    const { url } = await server.listen();
    const { logger, warnings } = warningsLogger();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-2.5-flash',
      logger,
    });
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Weather?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
      // Another name than the call's: only strict mode refuses it.
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: {} } }] },
    ];
    const result = await agent.run(history);
    expect(result.text).toBe('Done.');
    expect(warnings).toEqual([
      'sending a history the API may refuse (400): contents[2].parts[0].functionResponse.name is "weather" but the call it answers is get_weather. Use the call\'s name.',
    ]);
    const strict = await callFake(
      fake({ strictHistory: true }),
      { contents: history },
      {
        model: 'gemini-2.5-flash',
      },
    );
    expect(errorMessage(strict.json)).toBe(
      'functionResponse.name does not match functionCall.name',
    );
  });
});

describe('a history that ends with calls spread over consecutive model contents', () => {
  it('answers every call of the run in one user content, which the API accepts', async () => {
    const server = fake({ script: [turn.text('Both done.')] });
    const { url } = await server.listen();
    const ran: string[] = [];
    const tool = (name: string) =>
      defineTool({
        name,
        description: `${name} tool`,
        execute: () => {
          ran.push(name);
          return { ok: name };
        },
      });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-2.5-flash',
      tools: [tool('load'), tool('search')],
    });
    // The shape of the pydantic-ai recording above, stopped before its answers.
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'Refund?' }] },
      { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'load', args: {} } }] },
      { role: 'model', parts: [{ functionCall: { id: 'c2', name: 'search', args: {} } }] },
    ];
    const result = await agent.run(history);
    expect(result.text).toBe('Both done.');
    expect(ran).toEqual(['load', 'search']);
    expect(server.modelRequests).toHaveLength(1);
    const [request] = server.modelRequests;
    const sent = (request as { body: { contents: Content[] } }).body.contents;
    expect(sent.slice(0, 3)).toEqual(history);
    expect(sent[3]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { id: 'c1', name: 'load', response: { ok: 'load' } } },
        { functionResponse: { id: 'c2', name: 'search', response: { ok: 'search' } } },
      ],
    });
    expect(sent).toHaveLength(4);
  });
});
