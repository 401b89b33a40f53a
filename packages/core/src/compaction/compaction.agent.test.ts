import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CompactionEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { subagent } from '../composition/subagent.ts';
import { CompactionError } from '../errors/compaction-error.ts';
import { estimateContentTokens } from '../history/estimate-tokens.ts';
import { createGemini } from '../http/create-gemini.ts';
import { silentLogger } from '../logging/logger.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { TRUNCATED_RESULT_KEY } from '../tools/responses/cut-function-response.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createMemoryArtifactStore } from './artifact-store.ts';
import { CLEARED_RESULT_KEY } from './clear-tool-results.ts';
import { compaction } from './compaction.ts';
import { DEFAULT_SUMMARY_PROMPT } from './compaction-options.ts';
import { readToolOutputTool } from './read-tool-output-tool.ts';
import { isSummaryContent } from './summary-content.ts';
import { toolOutput } from './tool-output.ts';

// End to end against the fake Gemini on 127.0.0.1 with its strict contract (strictHistory, and
// Gemini 3 signatures checked against the ones it issued): every compacted history the agent
// sends must be one the API accepts, or the fake answers 400 and the run fails.

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const PAGES = 10;
/** About 5,000 estimated tokens a page. */
const FILLER = 'lorem ipsum dolor sit amet '.repeat(740);

const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Fetches page n.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n, page: `FACT-${n}: code${n * 7}. ${FILLER}` }),
});

function textOf(body: GenerateContentBody): string {
  return JSON.stringify(body.contents);
}

/**
 * The model: fetch the pages one step at a time (two at once at page 3, signed parallel calls),
 * then answer with every fact the request it received still holds. As the summarizer (its
 * prompt as system instruction), it lists the facts its transcript holds.
 */
const researcher: FakeScriptFunction = (request) => {
  const body = request.body;
  const system = body.systemInstruction?.parts?.[0]?.text;
  const facts = [...new Set(textOf(body).match(/FACT-\d+: code\d+/g) ?? [])];
  if (system === DEFAULT_SUMMARY_PROMPT) return turn.text(`Facts so far: ${facts.join('; ')}`);
  // Where it is comes from what the request holds (pages seen, calls made), as a model's would.
  const seen = Math.max(0, ...facts.map((fact) => Number(/\d+/.exec(fact)?.[0])));
  const called = Math.max(
    0,
    ...body.contents.flatMap((content) =>
      content.parts.map((part) => Number(part.functionCall?.args?.['n'] ?? 0)),
    ),
  );
  const calls = Math.max(seen, called);
  if (calls >= PAGES) return turn.text(`Found: ${facts.sort().join('; ')}`);
  if (calls === 2) {
    return turn.calls(
      [
        { name: 'fetch_page', args: { n: 3 } },
        { name: 'fetch_page', args: { n: 4 } },
      ],
      { thoughts: 'Two pages at once.' },
    );
  }
  return turn.call('fetch_page', { n: calls + 1 }, { thoughts: `Page ${calls + 1} next.` });
};

async function serve() {
  const fake = createFakeGemini({ script: researcher, strictHistory: true, seed: 7 });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const MAX_TOKENS = 20_000;
const allFacts = Array.from(
  { length: PAGES },
  (_, index) => `FACT-${index + 1}: code${(index + 1) * 7}`,
)
  .sort()
  .join('; ');

function sentContents(fake: FakeGemini): Content[][] {
  return fake.modelRequests.map((request) => (request.body as GenerateContentBody).contents);
}

describe('compaction inside a run, against the fake strict contract', () => {
  it('clears old tool results (streamed and unary alike): every request under the threshold, the full history kept', async () => {
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve();
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [fetchPage],
        thinking: { includeThoughts: true },
        maxSteps: 20,
        compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4 }),
      });
      const events: CompactionEvent[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (streaming) {
        const stream = agent.stream('Read the pages and list the facts.');
        for await (const event of stream) if (event.type === 'compaction') events.push(event);
        result = await stream.result;
      } else {
        result = await agent.run('Read the pages and list the facts.');
      }

      expect(fake.modelRequests.every((request) => request.status === 200)).toBe(true);
      for (const contents of sentContents(fake)) {
        expect(estimateContentTokens(contents)).toBeLessThanOrEqual(MAX_TOKENS);
      }
      // Without compaction the last request would hold all ten pages (~50k tokens).
      expect(estimateContentTokens(result.contents)).toBeGreaterThan((3 * MAX_TOKENS) / 2);
      const reports = result.compaction?.reports ?? [];
      expect(reports.length).toBeGreaterThan(0);
      // run() builds no events; stream() emits one per compaction, the same as the reports.
      if (streaming) {
        // The top agent's own events carry the path [] (a subagent's, its path).
        expect(events.every((event) => event.path.length === 0)).toBe(true);
        expect(
          events.map(({ type: _type, path: _path, trace: _trace, ...report }) => report),
        ).toEqual(reports);
        // Each event says when its compaction started (telemetry's span starts there).
        for (const event of events) {
          expect(event.trace?.startedAt).toEqual(expect.any(Number));
        }
      }
      for (const report of reports) expect(report.tokensAfter).toBeLessThan(report.tokensBefore);
      // The record is whole; what was sent has placeholders that keep the call ids.
      expect(JSON.stringify(result.contents)).not.toContain(CLEARED_RESULT_KEY);
      const sent = result.compaction?.sentContents ?? [];
      const cleared = sent.flatMap((content) =>
        content.parts.filter(
          (part) => part.functionResponse?.response[CLEARED_RESULT_KEY] !== undefined,
        ),
      );
      expect(cleared.length).toBeGreaterThan(0);
      const callIds = new Set(
        sent.flatMap((content) => content.parts.map((part) => part.functionCall?.id)),
      );
      for (const part of cleared) expect(callIds.has(part.functionResponse?.id)).toBe(true);
      // The signed first call of every model turn went back with its signature.
      const signed = sent.filter((content) => content.parts[0]?.functionCall !== undefined);
      expect(
        signed.every((content) => typeof content.parts[0]?.thoughtSignature === 'string'),
      ).toBe(true);
    }
  });

  // A subagent is an agent with its own options: its compaction() value works in its runs as in
  // a top run, and its compaction events reach the parent's stream at the child's path.
  it("compacts a subagent's own run, its events at the child's path in the parent's stream", async () => {
    const lead: FakeScriptFunction = (request, context) => {
      const body = request.body;
      const declared = (body.tools ?? []).flatMap((tool) =>
        (tool.functionDeclarations ?? []).map((declaration) => declaration.name),
      );
      if (!declared.includes('research')) return researcher(request, context);
      const answered = body.contents.flatMap((content) =>
        content.parts.flatMap((part) => (part.functionResponse === undefined ? [] : [part])),
      );
      if (answered.length === 0) {
        return turn.call('research', { task: 'Read the pages and list the facts.' });
      }
      return turn.text(`Lead: ${JSON.stringify(answered[0]?.functionResponse?.response)}`);
    };
    const fake = createFakeGemini({ script: lead, strictHistory: true, seed: 7 });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const researcherAgent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4 }),
    });
    const parent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [subagent(researcherAgent, { name: 'research', description: 'Researches.' })],
      maxSteps: 4,
    });
    const stream = parent.stream('Find the facts.');
    const events: CompactionEvent[] = [];
    for await (const event of stream) if (event.type === 'compaction') events.push(event);
    const result = await stream.result;

    expect(fake.modelRequests.every((request) => request.status === 200)).toBe(true);
    // The child compacted (its requests stayed under the threshold); the parent did not.
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.path.length === 1)).toBe(true);
    expect(result.compaction).toBeUndefined();
    for (const contents of sentContents(fake)) {
      expect(estimateContentTokens(contents)).toBeLessThanOrEqual(MAX_TOKENS);
    }
    // The child's answer (from what its compacted requests still held) reached the lead.
    expect(result.text).toMatch(/^Lead: \{"answer":"Found: FACT-\d+/);
  });

  it('summarizes older turns with a model call: the facts stay answerable from what is sent', async () => {
    const { fake, gemini } = await serve();
    const result = await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      compaction: compaction({
        maxTokens: MAX_TOKENS,
        keepRecent: 2,
        clearToolResults: false,
        summarize: true,
      }),
    }).run('Read the pages and list the facts.');

    expect(fake.modelRequests.every((request) => request.status === 200)).toBe(true);
    const summarizerCalls = fake.modelRequests.filter(
      (request) =>
        (request.body as GenerateContentBody).systemInstruction?.parts?.[0]?.text ===
        DEFAULT_SUMMARY_PROMPT,
    );
    expect(summarizerCalls.length).toBeGreaterThan(0);
    expect((summarizerCalls[0]?.body as GenerateContentBody | undefined)?.tools).toBeUndefined();
    const sent = result.compaction?.sentContents ?? [];
    expect(sent[0]?.parts[0]?.text).toBe('Read the pages and list the facts.');
    expect(isSummaryContent(sent[1])).toBe(true);
    expect(result.compaction?.reports.some((report) => report.summarizedContents > 0)).toBe(true);
    // The summaries were billed: the run's usage counts their calls beside the steps'.
    const stepsPrompt = result.steps.reduce((sum, step) => sum + step.usage.promptTokenCount, 0);
    expect(result.usage.promptTokenCount).toBeGreaterThan(stepsPrompt);
    // The fake answers from its request alone: every fact survived in the summary or the kept turns.
    expect(result.text).toBe(`Found: ${allFacts}`);
  });

  it('lets onCompaction cancel a compaction, and refuses a replacement that breaks the pairing', async () => {
    const cancelled = await serve();
    const result = await createAgent({
      gemini: cancelled.gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      compaction: compaction({ maxTokens: MAX_TOKENS, onCompaction: () => ({ cancel: true }) }),
    }).run('Read the pages and list the facts.');
    expect(result.compaction).toBeUndefined();
    expect(result.text).toBe(`Found: ${allFacts}`);

    const broken = await serve();
    const failure = await createAgent({
      gemini: broken.gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      compaction: compaction({
        maxTokens: MAX_TOKENS,
        // Drops the first function-response turn: its call loses its answer.
        onCompaction: ({ before }) => ({
          contents: before.filter(
            (content, index) =>
              !(index === 2 && content.parts.some((part) => part.functionResponse)),
          ),
        }),
      }),
    })
      .run('Read the pages and list the facts.')
      .catch((error: unknown) => error);
    expect(CompactionError.isInstance(failure)).toBe(true);
    expect((failure as CompactionError).reason).toBe('broken-history');
    // Nothing broken reached the API.
    expect(broken.fake.modelRequests.every((request) => request.status === 200)).toBe(true);
  });
});

describe('tool output budgets', () => {
  it('cuts a result to the per-tool cap with the marker, and read_tool_output reads the rest back', async () => {
    const artifacts = createMemoryArtifactStore();
    let marker: string | undefined;
    let slice: unknown;
    const fake = createFakeGemini({
      strictHistory: true,
      script: [
        turn.call('fetch_page', { n: 1 }),
        (_request, context) => {
          const response = context.functionResponses[0]?.response ?? {};
          marker = response[TRUNCATED_RESULT_KEY] as string;
          const id = /id "([^"]+)"/.exec(marker)?.[1] ?? 'missing';
          return turn.call('read_tool_output', { id, offset: 400, length: 100 });
        },
        (_request, context) => {
          slice = context.functionResponses[0]?.response;
          return turn.text('done');
        },
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const result = await createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-3-flash-preview',
      tools: [fetchPage, readToolOutputTool(artifacts)],
      toolOutput: toolOutput({
        maxTokens: 50_000,
        perTool: { fetch_page: { maxTokens: 100 } },
        artifacts,
      }),
    }).run('Read page 1.');

    expect(result.text).toBe('done');
    expect(marker).toMatch(
      /^\[gemloop: output of fetch_page truncated: kept 400 of \d+ characters; call read_tool_output with id "/,
    );
    const firstResponse = result.contents[2]?.parts[0]?.functionResponse?.response;
    expect(firstResponse?.['output']).toBe(
      JSON.stringify({ n: 1, page: `FACT-1: code7. ${FILLER}` }).slice(0, 400),
    );
    expect(slice).toMatchObject({
      text: JSON.stringify({ n: 1, page: `FACT-1: code7. ${FILLER}` }).slice(400, 500),
      offset: 400,
      end: 500,
      done: false,
    });
  });
});

describe('tool output budgets and read_tool_output', () => {
  it('never cuts the slices read_tool_output reads back with the agent-wide cap', async () => {
    const artifacts = createMemoryArtifactStore();
    let slice: unknown;
    const fake = createFakeGemini({
      strictHistory: true,
      script: [
        turn.call('fetch_page', { n: 1 }),
        (_request, context) => {
          const marker = context.functionResponses[0]?.response?.[TRUNCATED_RESULT_KEY] as string;
          const id = /id "([^"]+)"/.exec(marker)?.[1] ?? 'missing';
          return turn.call('read_tool_output', { id, offset: 100, length: 2000 });
        },
        (_request, context) => {
          slice = context.functionResponses[0]?.response;
          return turn.text('done');
        },
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    await createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-3-flash-preview',
      tools: [fetchPage, readToolOutputTool(artifacts)],
      // 25 tokens for every tool: the 2,000-character slice is over it, and read whole.
      toolOutput: toolOutput({ maxTokens: 25, artifacts }),
    }).run('Read page 1.');
    expect(slice).toMatchObject({
      text: JSON.stringify({ n: 1, page: `FACT-1: code7. ${FILLER}` }).slice(100, 2100),
      offset: 100,
      end: 2100,
    });
    expect(slice).not.toHaveProperty(TRUNCATED_RESULT_KEY);
  });
});

describe('a compaction in the observers and a chat session', () => {
  it('is a gemloop.compaction span and a recorded line with tokens before and after', async () => {
    const { gemini } = await serve();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-compaction-'));
    dirs.push(dir);
    const recorder = createRunRecorder({ dir });
    const result = await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      telemetry: { tracerProvider },
      recorder,
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4 }),
    }).run('Read the pages and list the facts.');
    await recorder.flush();
    const reports = result.compaction?.reports ?? [];
    expect(reports.length).toBeGreaterThan(0);

    const spans = exporter.getFinishedSpans().filter((span) => span.name === 'gemloop.compaction');
    expect(
      spans.map((span) => [
        span.attributes['gemloop.compaction.tokens_before'],
        span.attributes['gemloop.compaction.tokens_after'],
      ]),
    ).toEqual(reports.map((report) => [report.tokensBefore, report.tokensAfter]));
    const runSpan = exporter
      .getFinishedSpans()
      .find((span) => span.name.startsWith('invoke_agent'));
    expect(spans[0]?.parentSpanContext?.spanId).toBe(runSpan?.spanContext().spanId);

    const [name] = await readdir(dir);
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    const recorded = lines.flatMap((line) => (line.type === 'compaction' ? [line] : []));
    expect(recorded.map(({ type: _type, at: _at, ...report }) => report)).toEqual(reports);
  });

  it("gives the summarizer's model call its own span, a child of the gemloop.compaction span", async () => {
    const { gemini } = await serve();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const result = await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      telemetry: { tracerProvider },
      compaction: compaction({
        maxTokens: MAX_TOKENS,
        keepRecent: 2,
        clearToolResults: false,
        summarize: true,
      }),
    }).run('Read the pages and list the facts.');
    const summarized = (result.compaction?.reports ?? []).filter(
      (report) => report.summarizedContents > 0,
    );
    expect(summarized.length).toBeGreaterThan(0);
    const spans = exporter.getFinishedSpans();
    const compactions = spans.filter((span) => span.name === 'gemloop.compaction');
    const summaries = spans.filter(
      (span) => span.attributes['gemloop.compaction.summarizer'] === true,
    );
    // One per summary, each under the compaction that made it, with its own usage and times.
    expect(summaries).toHaveLength(summarized.length);
    for (const summary of summaries) {
      expect(summary.name).toBe('generate_content gemini-3-flash-preview');
      const parent = compactions.find(
        (span) => span.spanContext().spanId === summary.parentSpanContext?.spanId,
      );
      expect(parent).toBeDefined();
      expect(summary.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));
      // Inside its compaction (hrtime [seconds, nanoseconds] compared as numbers).
      const ns = ([sec, nano]: [number, number]) => sec * 1e9 + nano;
      expect(ns(summary.startTime)).toBeGreaterThanOrEqual(
        ns(parent?.startTime as [number, number]),
      );
      expect(ns(summary.endTime)).toBeLessThanOrEqual(ns(parent?.endTime as [number, number]));
    }
  });

  it('keeps the compacted history between chat turns: turn 2 sends the prefix turn 1 sent, not a new compaction', async () => {
    const { fake, gemini } = await serve();
    const store = createMemoryHistoryStore();
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4 }),
    });
    const chat = createChatSession({ agent, store, id: 'research' });
    const first = await chat.send('Read the pages and list the facts.');
    expect(first.compaction?.reports.length).toBeGreaterThan(0);
    const lastOfFirst = sentContents(fake).at(-1) as Content[];
    const requests = fake.modelRequests.length;
    const second = await chat.send('Thanks. Which page had the first fact?');
    // One request, no compaction: the history it sent starts with what turn 1's last request
    // sent, byte for byte (and turn 1's answer after it), so the implicit cache can hit.
    expect(fake.modelRequests).toHaveLength(requests + 1);
    expect(second.compaction).toBeUndefined();
    const sent = sentContents(fake).at(-1) as Content[];
    expect(JSON.stringify(sent.slice(0, lastOfFirst.length))).toBe(JSON.stringify(lastOfFirst));
    expect(sent[lastOfFirst.length]).toEqual(first.newContents.at(-1));
    expect(estimateContentTokens(sent)).toBeLessThanOrEqual(MAX_TOKENS);
    // The store keeps both turns whole.
    const stored = await chat.turns();
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored[0]?.contents)).not.toContain(CLEARED_RESULT_KEY);
    // A third turn goes on from the second's history (turn 2's request and its answer).
    await chat.send('And the last one?');
    const third = sentContents(fake).at(-1) as Content[];
    expect(JSON.stringify(third.slice(0, sent.length))).toBe(JSON.stringify(sent));
    // After a reset the next send starts from the (empty) store again.
    await chat.reset();
    await chat.send('Read the pages and list the facts.');
    expect(JSON.stringify(sentContents(fake).at(-1)?.[0])).toContain('Read the pages');
  });

  it('sends the compacted history in a chat turn while the store keeps the whole one', async () => {
    const { fake, gemini } = await serve();
    const store = createMemoryHistoryStore();
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4 }),
    });
    const reply = await createChatSession({ agent, store, id: 'research' }).send(
      'Read the pages and list the facts.',
    );
    expect(reply.compaction?.reports.length).toBeGreaterThan(0);
    const stored = (await store.load('research', { logger: silentLogger })).flatMap(
      (turn) => turn.contents,
    );
    expect(JSON.stringify(stored)).not.toContain(CLEARED_RESULT_KEY);
    expect(JSON.stringify(stored)).toContain(FILLER);
    expect(estimateContentTokens(stored)).toBeGreaterThan(MAX_TOKENS);
    for (const contents of sentContents(fake)) {
      expect(estimateContentTokens(contents)).toBeLessThanOrEqual(MAX_TOKENS);
    }
  });
});

describe('compaction with the managed cache', () => {
  it('never rewrites the cached prefix: one cache, sent on every step, its contents never in the history', async () => {
    const { fake, gemini } = await serve();
    const document = `The handbook. ${'policy text '.repeat(3_000)}`;
    const result = await createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [fetchPage],
      maxSteps: 20,
      cache: { contents: document, ttlSeconds: 600 },
      // The last two contents hold at most two pages (~10k tokens), beside the ~9k document.
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 2 }),
    }).run('Read the pages and list the facts.');

    expect(result.compaction?.reports.length).toBeGreaterThan(0);
    const methods = fake.requests.map((request) => request.method);
    expect(methods.filter((method) => method === 'caches.create')).toHaveLength(1);
    const bodies = fake.modelRequests.map((request) => request.body as Record<string, unknown>);
    expect(new Set(bodies.map((body) => body['cachedContent']))).toEqual(
      new Set([result.cache?.name]),
    );
    // What compaction rewrote is the run's history only: the cached document is in no request.
    for (const body of bodies)
      expect(JSON.stringify(body['contents'])).not.toContain('policy text');
    // The cached document counts in the window: the history sent beside it leaves room for it.
    const documentTokens = estimateContentTokens([{ role: 'user', parts: [{ text: document }] }]);
    for (const body of bodies) {
      const contents = body['contents'] as Content[];
      expect(estimateContentTokens(contents) + documentTokens).toBeLessThanOrEqual(MAX_TOKENS);
    }
  });
});

describe('compaction per run and per chat session', () => {
  it("a chat session's compaction applies to its messages in place of the agent's, the store whole", async () => {
    const { fake, gemini } = await serve();
    const store = createMemoryHistoryStore();
    // The agent compacts nothing; the session does.
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
    });
    const reply = await createChatSession({
      agent,
      store,
      id: 'session-compaction',
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4 }),
    }).send('Read the pages and list the facts.');
    expect(reply.compaction?.reports.length).toBeGreaterThan(0);
    for (const contents of sentContents(fake)) {
      expect(estimateContentTokens(contents)).toBeLessThanOrEqual(MAX_TOKENS);
    }
    const stored = (await store.load('session-compaction', { logger: silentLogger })).flatMap(
      (turn) => turn.contents,
    );
    expect(JSON.stringify(stored)).toContain(FILLER);
  });

  it('run({ compaction: false }) turns the agent option off for one run; a bad one is refused by name', async () => {
    const { gemini } = await serve();
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      compaction: compaction({ maxTokens: MAX_TOKENS }),
    });
    const result = await agent.run('Read the pages and list the facts.', { compaction: false });
    expect(result.compaction).toBeUndefined();
    expect(result.text).toBe(`Found: ${allFacts}`);
    expect(() => compaction({ maxTokns: 5 } as never)).toThrow(/maxTokens/);
    // A run's compaction needs a threshold too: told when the run starts.
    await expect(
      createAgent({ gemini, model: 'my-gateway-alias' }).run('x', {
        compaction: compaction({ summarize: true }),
      }),
    ).rejects.toThrow(/compaction\.maxTokens/);
  });

  it('countNearThreshold asks countTokens near the threshold, and compacts on its count', async () => {
    const { gemini } = await serve();
    const counted: number[] = [];
    // A client whose countTokens says more than the estimate (as media-heavy histories do).
    const counting = {
      ...gemini,
      countTokens: async (request: Parameters<typeof gemini.countTokens>[0]) => {
        const real = await gemini.countTokens(request);
        counted.push(real.totalTokens ?? 0);
        return { ...real, totalTokens: (real.totalTokens ?? 0) * 2 };
      },
    };
    const result = await createAgent({
      gemini: counting,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      // Three pages (~15k tokens) are within 15% under 16k: counted there, not below.
      compaction: compaction({ maxTokens: 16_000, keepRecent: 4, countNearThreshold: true }),
    }).run('Read the pages and list the facts.');
    expect(counted.length).toBeGreaterThan(0);
    expect(counted.length).toBeLessThan(result.steps.length);
    for (const count of counted) expect(count).toBeGreaterThan(16_000 * 0.85 - 1_000);
    // The doubled count compacted where the estimate alone (under 16k) would not have.
    const early = result.compaction?.reports.filter((report) => report.tokensBefore < 16_000);
    expect(early?.length).toBeGreaterThan(0);
  });
});

describe('a summarizer that fails', () => {
  it('does not end the run: the compaction goes on without a summary, with a warning', async () => {
    const fake = createFakeGemini({
      script: researcher,
      strictHistory: true,
      faults: [
        {
          fault: { type: 'internal' },
          on: (call) =>
            (call.body as GenerateContentBody).systemInstruction?.parts?.[0]?.text ===
            DEFAULT_SUMMARY_PROMPT,
        },
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_fields: unknown, message?: string) => void warnings.push(String(message)),
      child: () => logger,
    };
    const result = await createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      maxSteps: 20,
      logger: logger as never,
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4, summarize: true }),
    }).run('Read the pages and list the facts.');
    expect(result.finishReason).toBe('stop');
    expect(result.compaction?.reports.every((report) => report.summarizedContents === 0)).toBe(
      true,
    );
    expect(result.compaction?.reports.some((report) => report.clearedToolResults > 0)).toBe(true);
    expect(warnings.some((warning) => warning.includes('the summary failed'))).toBe(true);
  });
});

describe('a threshold under the fixed part of every request', () => {
  it('warns once per run that it can never be met, naming what to raise', async () => {
    const { gemini } = await serve();
    const warnings: { fields: unknown; message: string }[] = [];
    const logger = {
      ...silentLogger,
      warn: (fields: unknown, message?: string) =>
        void warnings.push({ fields, message: String(message) }),
      child: () => logger,
    };
    // About 2,000 estimated tokens of instructions: every request is over a 1,000-token threshold
    // before any history is counted.
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      instructions: 'You are careful. '.repeat(500),
      maxSteps: 5,
      logger: logger as never,
      compaction: compaction({ maxTokens: 1_000, keepRecent: 4 }),
    });
    await agent.run('Read the pages and list the facts.').catch(() => undefined);
    const below = warnings.filter(({ message }) => message.includes('can never be met'));
    expect(below).toHaveLength(1);
    expect(below[0]?.message).toMatch(/compaction\.maxTokens \(1000 tokens\)/);
    expect(below[0]?.message).toMatch(/raise compaction\.maxTokens above about \d+/);
    expect(below[0]?.fields).toMatchObject({ threshold: 1_000 });
    // A second run warns again: the run is the unit a user reads in its log.
    await agent.run('Read the pages and list the facts.').catch(() => undefined);
    expect(warnings.filter(({ message }) => message.includes('can never be met'))).toHaveLength(2);
  });

  it('says nothing when the threshold is above the fixed part', async () => {
    const { gemini } = await serve();
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_fields: unknown, message?: string) => void warnings.push(String(message)),
      child: () => logger,
    };
    await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      instructions: 'You are careful.',
      maxSteps: 20,
      logger: logger as never,
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 4 }),
    }).run('Read the pages and list the facts.');
    expect(warnings.filter((message) => message.includes('can never be met'))).toEqual([]);
  });
});
