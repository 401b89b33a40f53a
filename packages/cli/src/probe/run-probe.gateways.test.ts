// The probe's verdict on each way a gateway mangles the native API, beside what gemloop's own
// agent does through the same gateway double: the FAIL line's advice must say what the agent
// was seen doing. The faithful gateway passes every line.

import {
  type AgentResult,
  ApiCallError,
  createAgent,
  createGemini,
  defineTool,
  type Gemini,
  googleSearch,
  jsonSchema,
  ModelCallError,
} from '@gemloop/core';
import { OutputValidationError } from '@gemloop/core/errors';
import type { FakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startProbeFake } from '../__fixtures__/probe-fake.ts';
import {
  isObject,
  type Mangling,
  type ManglingProxy,
  type ProxyAnswer,
  sseValues,
  startManglingProxy,
} from '../__fixtures__/start-mangling-proxy.ts';
import { PROBE_RATE_LIMIT_TEXT } from './probe-errors.ts';
import type { ProbePropertyId, ProbeReport } from './probe-types.ts';
import { runProbe } from './run-probe.ts';

const MODEL = 'gemini-3-flash-preview';
const INSTRUCTIONS = 'Whatever the user says, reply with exactly the word MANGO.';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The probe's fake Gemini behind a gateway double; the probe's report and a client through it. */
async function gateway(mangling: Mangling): Promise<{
  proxy: ManglingProxy;
  report: ProbeReport;
  gemini: Gemini;
}> {
  const fake: FakeGemini & { baseUrl: string } = await startProbeFake();
  const proxy = await startManglingProxy(fake.baseUrl, mangling);
  closers.push(proxy.close, () => fake.close());
  const report = await runProbe({ baseUrl: proxy.url, apiKey: 'probe-key-0001' });
  const gemini = createGemini({ apiKey: 'probe-key-0001', baseUrl: proxy.url, retry: false });
  return { proxy, report, gemini };
}

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: jsonSchema({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: async () => ({ forecast: 'sunny' }),
});

// What the agent is asked to do through each gateway: the uses each probe line stands for.
const agentDoes = {
  tools: (gemini: Gemini, model = MODEL) =>
    createAgent({ gemini, model, tools: [weather] }).run('What is the weather in Paris?'),
  instructed: (gemini: Gemini, instructions: string | undefined) =>
    createAgent({ gemini, model: MODEL, instructions }).run('What is the capital of France?'),
  output: (gemini: Gemini) =>
    createAgent({
      gemini,
      model: MODEL,
      output: z.object({ city: z.string(), country_code: z.enum(['FR']) }),
    }).run('Name a city in France.'),
  search: (gemini: Gemini) =>
    createAgent({ gemini, model: MODEL, tools: [googleSearch(), weather] }).run(
      'Search the web: who won the most recent Nobel Prize in Literature?',
    ),
  thinking: (gemini: Gemini) =>
    createAgent({
      gemini,
      model: MODEL,
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    }).run('Reply with the word OK.'),
  async stream(gemini: Gemini): Promise<{ deltas: number; text: string }> {
    const stream = createAgent({ gemini, model: MODEL }).stream('Count from 1 to 40.');
    let deltas = 0;
    for await (const event of stream) if (event.type === 'text-delta') deltas++;
    return { deltas, text: (await stream.result).text };
  },
  missingModel: (gemini: Gemini) =>
    createAgent({ gemini, model: 'gemini-3-no-such-model' }).run('Hi'),
  rateLimited: (gemini: Gemini) => createAgent({ gemini, model: MODEL }).run(PROBE_RATE_LIMIT_TEXT),
};

/** What the agent does through the faithful gateway, to compare the mangled runs with. */
type Baseline = {
  usage: AgentResult['usage'];
  streamText: string;
  uninstructedText: string;
};

type Mode = {
  name: string;
  mangling: Mangling;
  /** The probe lines that FAIL, exactly. */
  fails: ProbePropertyId[];
  /** What the advice of the FAIL line of `adviceOf` (the first failing line) says gemloop does. */
  advice: RegExp[];
  adviceOf?: ProbePropertyId;
  /** Other lines' verdicts in this mode, beyond "not FAIL". */
  lines?: Partial<Record<ProbePropertyId, RegExp>>;
  /** What gemloop's agent does through the same gateway: the advice's claims, observed. */
  agent: (gemini: Gemini, baseline: Baseline) => Promise<void>;
};

function mapCandidates(value: unknown, change: (candidate: Record<string, unknown>) => void) {
  if (!isObject(value) || !Array.isArray(value['candidates'])) return value;
  const copy = structuredClone(value) as { candidates: Record<string, unknown>[] };
  for (const candidate of copy.candidates) change(candidate);
  return copy;
}

function mapUsage(value: unknown, change: (usage: Record<string, number>) => void) {
  if (!isObject(value) || !isObject(value['usageMetadata'])) return value;
  const usage = { ...value['usageMetadata'] } as Record<string, number>;
  change(usage);
  return { ...value, usageMetadata: usage };
}

/** The whole stream as one SSE event: its text joined into one part, the last chunk's rest. */
function bufferStream(answer: ProxyAnswer): ProxyAnswer {
  const chunks = sseValues(answer.text) as Record<string, unknown>[];
  let text = '';
  let signature: unknown;
  for (const chunk of chunks) {
    const candidates = chunk['candidates'] as { content?: { parts?: unknown[] } }[] | undefined;
    for (const part of candidates?.[0]?.content?.parts ?? []) {
      if (!isObject(part) || part['thought'] === true) continue;
      if (typeof part['text'] === 'string') text += part['text'];
      if (part['thoughtSignature'] !== undefined) signature = part['thoughtSignature'];
    }
  }
  const last = structuredClone(chunks.at(-1)) as {
    candidates: { content: { parts: unknown[] } }[];
  };
  const first = last.candidates[0];
  if (first !== undefined) {
    first.content.parts = [
      { text, ...(signature === undefined ? {} : { thoughtSignature: signature }) },
    ];
  }
  return { ...answer, text: `data: ${JSON.stringify(last)}\r\n\r\n` };
}

function withoutSignatures(body: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(body, (key, value: unknown) => (key === 'thoughtSignature' ? undefined : value)),
  ) as Record<string, unknown>;
}

const MODES: Mode[] = [
  {
    name: 'finish reasons renamed (STOP -> stop / tool_calls)',
    mangling: {
      response: (value) =>
        mapCandidates(value, (candidate) => {
          if (candidate['finishReason'] === undefined) return;
          candidate['finishReason'] = JSON.stringify(candidate).includes('"functionCall"')
            ? 'tool_calls'
            : 'stop';
        }),
    },
    fails: ['finish-reasons'],
    advice: [/ends after its first step with finishReason 'other', no tool run and no text/],
    async agent(gemini) {
      const result = await agentDoes.tools(gemini);
      expect(result.steps).toHaveLength(1);
      expect(result.finishReason).toBe('other');
      expect(result.steps.flatMap((step) => step.toolCalls)).toEqual([]);
      expect(result.text).toBe('');
    },
  },
  {
    name: 'usage zeroed',
    mangling: {
      response: (value) =>
        mapUsage(value, (usage) => {
          for (const key of Object.keys(usage)) if (key.endsWith('TokenCount')) usage[key] = 0;
        }),
    },
    fails: ['usage-fields'],
    advice: [/counts read as 0/, /result\.usage/],
    async agent(gemini) {
      const { usage } = await agentDoes.tools(gemini);
      expect(usage.promptTokenCount).toBe(0);
      expect(usage.totalTokenCount).toBe(0);
    },
  },
  {
    name: 'thinking tokens folded into output tokens',
    mangling: {
      response: (value) =>
        mapUsage(value, (usage) => {
          usage['candidatesTokenCount'] =
            (usage['candidatesTokenCount'] ?? 0) + (usage['thoughtsTokenCount'] ?? 0);
          delete usage['thoughtsTokenCount'];
        }),
    },
    fails: ['usage-fields'],
    advice: [
      /thoughtsTokenCount reads 0 and candidatesTokenCount includes the thinking; the total stays right/,
    ],
    async agent(gemini, baseline) {
      const { usage } = await agentDoes.thinking(gemini);
      expect(baseline.usage.thoughtsTokenCount).toBeGreaterThan(0);
      expect(usage.thoughtsTokenCount).toBe(0);
      expect(usage.candidatesTokenCount).toBe(
        baseline.usage.candidatesTokenCount + baseline.usage.thoughtsTokenCount,
      );
      expect(usage.totalTokenCount).toBe(baseline.usage.totalTokenCount);
    },
  },
  {
    name: 'a stream buffered into one event at the end',
    mangling: { answer: (answer, exchange) => (exchange.sse ? bufferStream(answer) : answer) },
    fails: ['stream-chunks'],
    advice: [/still yields the whole answer and the same result/, /one text-delta at the end/],
    async agent(gemini, baseline) {
      const { deltas, text } = await agentDoes.stream(gemini);
      expect(deltas).toBe(1);
      expect(text).toBe(baseline.streamText);
    },
  },
  {
    name: 'a stream buffered into one event, then a trailing [DONE]',
    mangling: {
      answer: (answer, exchange) => {
        if (!exchange.sse) return answer;
        const buffered = bufferStream(answer);
        return { ...buffered, text: `${buffered.text}data: [DONE]\r\n\r\n` };
      },
    },
    fails: ['sse-framing', 'stream-chunks'],
    adviceOf: 'stream-chunks',
    advice: [/one text-delta at the end/],
    async agent(gemini, baseline) {
      const { deltas, text } = await agentDoes.stream(gemini);
      expect(deltas).toBe(1);
      expect(text).toBe(baseline.streamText);
    },
  },
  {
    name: 'responseJsonSchema dropped',
    mangling: {
      request: (body) => {
        const config = body['generationConfig'];
        if (isObject(config)) delete config['responseJsonSchema'];
        return body;
      },
    },
    fails: ['json-schema'],
    advice: [/re-asks with the errors/, /throws OutputValidationError/],
    async agent(gemini, _baseline) {
      const failure = await agentDoes.output(gemini).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OutputValidationError);
    },
  },
  {
    name: 'Google Search stripped from the tools',
    mangling: {
      request: (body) => {
        if (Array.isArray(body['tools'])) {
          body['tools'] = body['tools'].filter(
            (tool) => !isObject(tool) || !('googleSearch' in tool),
          );
        }
        return body;
      },
    },
    fails: ['search-with-functions'],
    advice: [/the run ends normally, but result\.grounding is empty/],
    async agent(gemini) {
      const result = await agentDoes.search(gemini);
      expect(result.grounding).toEqual([]);
      expect(result.text).not.toBe('');
    },
  },
  {
    name: 'grounding dropped from the answer',
    mangling: {
      response: (value) =>
        mapCandidates(value, (candidate) => {
          delete candidate['groundingMetadata'];
        }),
    },
    fails: ['search-with-functions'],
    advice: [/the run ends normally, but result\.grounding is empty/],
    async agent(gemini) {
      const result = await agentDoes.search(gemini);
      expect(result.grounding).toEqual([]);
      expect(result.text).not.toBe('');
    },
  },
  {
    name: 'systemInstruction dropped',
    mangling: {
      request: (body) => {
        delete body['systemInstruction'];
        return body;
      },
    },
    fails: ['system-instruction'],
    advice: [/answers as if createAgent had no instructions/],
    async agent(gemini, baseline) {
      const result = await agentDoes.instructed(gemini, INSTRUCTIONS);
      expect(result.text).not.toContain('MANGO');
      expect(result.text).toBe(baseline.uninstructedText);
    },
  },
  {
    name: 'alt=sse ignored: the JSON-array stream comes back',
    mangling: { path: (path) => path.replace(/[?&]alt=sse/, '') },
    fails: ['alt-sse'],
    advice: [/reads the JSON-array stream/, /agent\.stream\(\) works and nothing is lost/],
    async agent(gemini, baseline) {
      const { deltas, text } = await agentDoes.stream(gemini);
      expect(deltas).toBeGreaterThan(1);
      expect(text).toBe(baseline.streamText);
    },
  },
  {
    name: 'errors sent with HTTP 200',
    mangling: { answer: (answer) => (answer.status >= 400 ? { ...answer, status: 200 } : answer) },
    fails: ['error-body'],
    // Checked, not skipped: the 429 came as a 200 with its RetryInfo in the body.
    lines: {
      'retry-info': /^pass: retryDelay 7s \(a 429 error in a 200 body; gemloop reads it\)$/,
    },
    advice: [
      /reads a Google error object in a 200 body as that error/,
      /googleStatus/,
      /RetryInfo/,
    ],
    async agent(gemini) {
      const missing = await agentDoes.missingModel(gemini).catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(ModelCallError);
      const cause = (missing as ModelCallError).cause;
      expect(cause).toBeInstanceOf(ApiCallError);
      expect((cause as ApiCallError).status).toBe(404);
      expect((cause as ApiCallError).googleStatus).toBe('NOT_FOUND');
      const limited = await agentDoes.rateLimited(gemini).catch((error: unknown) => error);
      expect(((limited as ModelCallError).cause as ApiCallError).retryDelayMs).toBe(7000);
    },
  },
  {
    name: 'thought signatures stripped on the way back',
    mangling: { request: withoutSignatures },
    fails: ['thought-signature-round-trip'],
    advice: [
      /the step after every function call fails with ModelCallError \(ApiCallError 400\)/,
      /a Gemini 2\.5 model needs no signatures/,
    ],
    async agent(gemini) {
      const failure = await agentDoes.tools(gemini).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ModelCallError);
      expect((failure as ModelCallError).stepNumber).toBe(2);
      expect(((failure as ModelCallError).cause as ApiCallError).status).toBe(400);
      const older = await agentDoes.tools(gemini, 'gemini-2.5-flash');
      expect(older.steps.flatMap((step) => step.toolCalls.map((call) => call.toolName))).toEqual([
        'get_weather',
      ]);
    },
  },
];

describe('runProbe behind a mangling gateway, beside gemloop’s agent through the same gateway', () => {
  let baseline: Baseline | undefined;
  async function faithfulBaseline(gemini: Gemini): Promise<Baseline> {
    const { usage } = await agentDoes.thinking(gemini);
    const { text: streamText } = await agentDoes.stream(gemini);
    const { text: uninstructedText } = await agentDoes.instructed(gemini, undefined);
    return { usage, streamText, uninstructedText };
  }

  it('passes every line through the faithful gateway, where the agent does what each line stands for', async () => {
    const { report, gemini } = await gateway({});
    expect(report.records.filter((record) => record.status !== 'pass')).toEqual([]);
    baseline = await faithfulBaseline(gemini);
    const tools = await agentDoes.tools(gemini);
    expect(tools.steps.flatMap((step) => step.toolCalls.map((call) => call.toolName))).toEqual([
      'get_weather',
    ]);
    expect((await agentDoes.instructed(gemini, INSTRUCTIONS)).text).toBe('MANGO');
    expect((await agentDoes.output(gemini)).output).toEqual({ city: 'Lyon', country_code: 'FR' });
    expect((await agentDoes.search(gemini)).grounding.length).toBeGreaterThan(0);
    expect((await agentDoes.stream(gemini)).deltas).toBeGreaterThan(1);
    expect(baseline.usage.thoughtsTokenCount).toBeGreaterThan(0);
  });

  for (const mode of MODES) {
    it(`${mode.name}: the probe fails ${mode.fails.join(', ')}, and its advice is what the agent does`, async () => {
      const { report, gemini } = await gateway(mode.mangling);
      const failed = report.records.filter((record) => record.status === 'fail');
      expect(failed.map((record) => record.id)).toEqual(mode.fails);
      for (const [id, verdict] of Object.entries(mode.lines ?? {})) {
        const entry = report.records.find((record) => record.id === id);
        expect(`${entry?.status}: ${entry?.detail}`).toMatch(verdict);
      }
      const line = failed.find((record) => record.id === (mode.adviceOf ?? mode.fails[0]));
      for (const claim of mode.advice) expect(line?.workaround).toMatch(claim);
      const reference = baseline ?? (await faithfulBaseline((await gateway({})).gemini));
      await mode.agent(gemini, reference);
    });
  }
});
