// What each recorded stream in test/fixtures/gemini/streams folds into, written out by hand
// from the recorded chunks (signatures as `first 12 characters…length`).
import { expect } from 'vitest';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { type ResponseSummary, summarizeResponse } from './summarize-response.ts';

export type ExpectedFold = Omit<ResponseSummary, 'text'> & {
  /** The whole non-thought text, or its length and ends when it is long. */
  text: string | { length: number; start: string; end: string };
  modelVersion: string;
  responseId: string;
  /** Fixture-specific checks beyond the summary. */
  check?: (response: GenerateContentResponse) => void;
};

const usage = (
  promptTokenCount: number,
  candidatesTokenCount: number | undefined,
  thoughtsTokenCount: number | undefined,
  totalTokenCount: number,
): ResponseSummary['usage'] => ({
  promptTokenCount,
  candidatesTokenCount,
  thoughtsTokenCount,
  totalTokenCount,
});

const strawberry = 'There are **3** "r"s in strawberry.\n\n';
const mexicoJson = '{\n  "city": "Mexico City",\n  "country": "Mexico"\n} ';

export const expectedStreamFolds: Record<string, ExpectedFold> = {
  'gemini20-flash__single-chunk-function-call-with-STOP.sse': {
    parts: ['functionCall:get_capital'],
    text: '',
    functionCalls: [{ name: 'get_capital', args: { country: 'France' } }],
    finishReason: 'STOP',
    usage: usage(52, 5, undefined, 57),
    modelVersion: 'gemini-2.0-flash',
    responseId: '1lpeaMTxIpW1nvgP-O3vwQY',
    check: (response) => expect(response.candidates?.[0]?.index).toBeUndefined(),
  },
  'gemini25-flash__cumulative-usage-every-chunk.sse': {
    parts: ['text(80)'],
    text: Array.from({ length: 30 }, (_, index) => index + 1).join('\n'),
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(18, 80, 35, 133),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'ru1garvBEoOiqtsP2fznmQw',
    check: (response) => expect(response.usageMetadata?.serviceTier).toBe('standard'),
  },
  'gemini25-flash__no-alt-sse-json-array__second-call-unsigned.json': {
    parts: ['functionCall:pelican_name_generator'],
    text: '',
    functionCalls: [{ name: 'pelican_name_generator', args: {} }],
    finishReason: 'STOP',
    usage: usage(105, 13, undefined, 118),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'OopyavzdMqTQjrEPqLCdqAc',
    check: (response) =>
      expect(response.candidates?.[0]?.finishMessage).toBe('Model generated function call(s).'),
  },
  'gemini25-flash__no-alt-sse-json-array__thought-then-signed-call.json': {
    parts: ['thought(236)', 'functionCall:pelican_name_generator +sig:ClgBEU0yD8z3…336'],
    text: '',
    functionCalls: [{ name: 'pelican_name_generator', args: {}, signature: 'ClgBEU0yD8z3…336' }],
    finishReason: 'STOP',
    usage: usage(32, 12, 42, 86),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'OYpyaqycKd2V_uMP65TsgA0',
  },
  'gemini25-flash__url-context.sse': {
    parts: ['text(37)'],
    text: 'Pydantic AI Gateway is now available!',
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(32, 25, 37, 4704),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'oRIhaZOoA8L-jrEPzfDTmQc',
    check: (response) => {
      const candidate = response.candidates?.[0];
      // From the first chunk; the last chunk has none.
      expect(candidate?.urlContextMetadata).toEqual({
        urlMetadata: [
          { retrievedUrl: 'https://ai.pydantic.dev', urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_SUCCESS' },
        ],
      });
      // The first chunk's `{}` does not win over the last chunk's grounding.
      expect(candidate?.groundingMetadata?.groundingChunks).toEqual([
        { web: { uri: 'https://ai.pydantic.dev', title: 'Pydantic AI' } },
      ]);
      expect(response.usageMetadata?.toolUsePromptTokenCount).toBe(4610);
    },
  },
  'gemini25-pro__google-search-grounding-in-last-chunk.sse': {
    parts: ['text(926)'],
    text: {
      length: 926,
      start: '### Weather in San Francisco is Mild and',
      end: ' of rain remains low throughout the day.',
    },
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(17, 241, 412, 772),
    modelVersion: 'gemini-2.5-pro',
    responseId: 'ftnJaMmAMcm-qtsPwvCCoAo',
    check: (response) => {
      const grounding = response.candidates?.[0]?.groundingMetadata;
      expect(grounding?.webSearchQueries).toEqual(['weather in San Francisco today']);
      expect(grounding?.groundingChunks).toHaveLength(5);
      expect(grounding?.groundingSupports).toHaveLength(8);
      expect(grounding?.searchEntryPoint?.renderedContent).toHaveLength(4660);
    },
  },
  'gemini25-pro__thought-chunks-then-text-signature-on-first-text.sse': {
    parts: ['thought(1575)', 'text(1938) +sig:CiIB0e2Kb6Sy…6152'],
    text: {
      length: 1938,
      start: 'This is a great question! Safely crossin',
      end: 'lways assume a driver might not see you.',
    },
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(34, 469, 787, 1290),
    modelVersion: 'gemini-2.5-pro',
    responseId: 'beHBaJfEMIi-qtsP3769-Q8',
    check: (response) => {
      const thought = response.candidates?.[0]?.content?.parts?.[0];
      expect(thought?.thought).toBe(true);
      expect(thought?.text?.startsWith('**Clarifying User Goals**')).toBe(true);
    },
  },
  'gemini3-flash__builtin-search-toolCall-toolResponse.sse': {
    parts: [
      'toolCall:d6vd9r5q +sig:Eq0ECqoECAES…748',
      'toolResponse:d6vd9r5q +sig:Et72AQra9gEI…42116',
      'text(51) +sig:Ev8BCvwBAQw5…344',
    ],
    text: mexicoJson,
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(87, undefined, 78, 165),
    modelVersion: 'gemini-3-flash-preview',
    responseId: 'hlP6ae3uJuqGz7IP-6e9iA0',
    check: (response) => {
      const candidate = response.candidates?.[0];
      expect(candidate?.content?.parts?.[0]?.toolCall).toEqual({
        toolType: 'GOOGLE_SEARCH_WEB',
        args: { queries: ['largest city in Mexico'] },
        id: 'd6vd9r5q',
      });
      expect(candidate?.groundingMetadata?.webSearchQueries).toEqual(['', 'largest city in Mexico']);
    },
  },
  'gemini3-flash__code-execution.sse': {
    parts: [
      'executableCode:8xju7mua +sig:EqADCp0DAQw5…560',
      'codeExecutionResult:8xju7mua',
      'text(82) +sig:EoECCv4BAQw5…348',
    ],
    text: 'The result of $65465 - 6544 \\times 65464 - 6 + 1.02255$ is **-428,330,955.97745**.',
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(147, 108, 168, 783),
    modelVersion: 'gemini-3-flash-preview',
    responseId: 'n1P6abvRFaKdz7IPkcuQ2Aw',
    check: (response) => {
      const parts = response.candidates?.[0]?.content?.parts;
      expect(parts?.[0]?.executableCode?.code).toBe(
        'result = 65465 - 6544 * 65464 - 6 + 1.02255\nprint(result)',
      );
      expect(parts?.[1]?.codeExecutionResult?.output).toBe('-428330955.97745\n');
      expect(response.usageMetadata?.toolUsePromptTokenCount).toBe(360);
    },
  },
  'gemini3-flash__function-call-with-id.sse': {
    parts: ['functionCall:get_user_country +sig:EpIDCo8DAQw5…540'],
    text: '',
    functionCalls: [
      { name: 'get_user_country', args: {}, id: '96c1su3s', signature: 'EpIDCo8DAQw5…540' },
    ],
    finishReason: 'STOP',
    usage: usage(29, 12, 69, 110),
    modelVersion: 'gemini-3-flash-preview',
    responseId: 'g1P6aZnMMZq5qtsPj9fyuQ8',
  },
  'gemini3-flash__json-output-signature-in-final-empty-chunk.sse': {
    parts: ['text(51) +sig:Es4BCssBAQw5…280'],
    text: mexicoJson,
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(128, 21, 30, 179),
    modelVersion: 'gemini-3-flash-preview',
    responseId: 'hVP6afiZEuitz7IPypuAsQY',
  },
  'gemini3-flash__no-alt-sse-json-array__function-call.json': {
    parts: ['functionCall:multiply +sig:Et0BCtoBAXLI…300'],
    text: '',
    functionCalls: [{ name: 'multiply', args: { y: 3, x: 5 }, signature: 'Et0BCtoBAXLI…300' }],
    finishReason: 'STOP',
    usage: usage(60, 16, 32, 108),
    modelVersion: 'gemini-3-flash-preview',
    responseId: '6XJFadi3PJOx-sAPgJ3S6Qs',
  },
  'gemini3-flash__no-alt-sse-json-array__text-after-tool.json': {
    parts: ['text(16)'],
    text: '5 times 3 is 15.',
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(121, 9, undefined, 130),
    modelVersion: 'gemini-3-flash-preview',
    responseId: '6nJFaZPBLriWjMcPkf_q8Ac',
  },
  'gemini3-pro__function-call-chunk-then-empty-STOP.sse': {
    parts: ['functionCall:get_country +sig:EpwICpkIAXLI…1408'],
    text: '',
    functionCalls: [{ name: 'get_country', args: {}, signature: 'EpwICpkIAXLI…1408' }],
    finishReason: 'STOP',
    usage: usage(29, 10, 202, 241),
    modelVersion: 'gemini-3-pro-preview',
    responseId: 'QUVVadTSNJ6_qtsPvN7J8Q0',
  },
  'gemini3-pro__function-call-then-empty-STOP.vercel.jsonl': {
    parts: ['functionCall:weather +sig:EqUCCqICAb4+…396'],
    text: '',
    functionCalls: [
      { name: 'weather', args: { location: 'San Francisco' }, signature: 'EqUCCqICAb4+…396' },
    ],
    finishReason: 'STOP',
    usage: usage(29, 15, 45, 89),
    modelVersion: 'gemini-3-pro-preview',
    responseId: 'b36LacjwM668nsEP2tbsgQQ',
  },
  'gemini3-pro__reasoning-text-signature-in-final-empty-chunk.vercel.jsonl': {
    parts: ['text(55) +sig:EpAICo0IAb4+…1392'],
    text: `${strawberry}St**r**awbe**rr**y`,
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(9, 23, 302, 334),
    modelVersion: 'gemini-3-pro-preview',
    responseId: 'M3iLaY-AI7zTxN8P3Piw4Qg',
  },
  'gemini3-pro__text-after-functionResponse.sse': {
    parts: ['text(37)'],
    text: 'The capital of Mexico is Mexico City.',
    functionCalls: [],
    finishReason: 'STOP',
    // The last chunk's prompt count (257), not the earlier chunks' 55.
    usage: usage(257, 8, undefined, 265),
    modelVersion: 'gemini-3-pro-preview',
    responseId: 'REVVabaiCdq4qtsPnZu96Qo',
  },
  'gemini3-pro__text-then-signature-in-final-empty-chunk.vercel.jsonl': {
    parts: ['text(55) +sig:EqsFCqgFAb4+…916'],
    text: `${strawberry}st**r**awbe**rr**y`,
    functionCalls: [],
    finishReason: 'STOP',
    usage: usage(9, 23, 185, 217),
    modelVersion: 'gemini-3-pro-preview',
    responseId: 'bH6LaZW8Fp_3nsEPqtaSwQ4',
  },
  'vertex-gemini3-flash__streamFunctionCallArguments-3-calls-partialArgs.vercel.jsonl': {
    parts: [
      'thought(320)',
      'functionCall:read_theme +sig:AY89a18a8/Lo…1060',
      'functionCall:read_screen',
      'functionCall:read_screen',
      'functionCall:read_screen',
    ],
    text: '',
    functionCalls: [
      // Sent whole, without args: kept as sent.
      { name: 'read_theme', args: undefined, signature: 'AY89a18a8/Lo…1060' },
      { name: 'read_screen', args: { id: 'A' } },
      { name: 'read_screen', args: { id: 'B' } },
      { name: 'read_screen', args: { id: 'C' } },
    ],
    finishReason: 'STOP',
    usage: usage(249, 58, 183, 490),
    modelVersion: 'gemini-3-flash-preview',
    responseId: '_vr4aYiWEJnYodAPkujX0QM',
    check: (response) => {
      expect(response.createTime).toBe('2026-05-04T20:01:02.264968Z');
      expect(response.usageMetadata?.trafficType).toBe('PROVISIONED_THROUGHPUT');
      for (const part of response.candidates?.[0]?.content?.parts ?? []) {
        expect(part.functionCall?.willContinue).toBeUndefined();
        expect(part.functionCall?.partialArgs).toBeUndefined();
      }
    },
  },
  'vertex-gemini31-pro__streamFunctionCallArguments-partialArgs.vercel.jsonl': {
    parts: ['functionCall:getWeather +sig:CiMBjz1rX25K…1032', 'functionCall:getWeather'],
    text: '',
    functionCalls: [
      { name: 'getWeather', args: { location: 'Boston' }, signature: 'CiMBjz1rX25K…1032' },
      { name: 'getWeather', args: { location: 'San Francisco' } },
    ],
    finishReason: 'STOP',
    usage: usage(26, 23, 132, 181),
    modelVersion: 'gemini-3.1-pro-preview',
    responseId: 'dqHOab6xGLzWodAPkPuViA4',
    check: (response) => {
      for (const part of response.candidates?.[0]?.content?.parts ?? []) {
        expect(Object.keys(part.functionCall ?? {}).sort()).toEqual(['args', 'name']);
      }
    },
  },
};

/** Asserts that `response` is what the stream fixture `name` folds into. */
export function expectFoldOf(name: string, response: GenerateContentResponse): void {
  const expected = expectedStreamFolds[name];
  if (expected === undefined) throw new Error(`No expected fold written for ${name}`);
  const summary = summarizeResponse(response);
  expect(summary.parts).toEqual(expected.parts);
  if (typeof expected.text === 'string') expect(summary.text).toBe(expected.text);
  else {
    expect(summary.text).toHaveLength(expected.text.length);
    expect(summary.text.startsWith(expected.text.start)).toBe(true);
    expect(summary.text.endsWith(expected.text.end)).toBe(true);
  }
  expect(summary.functionCalls).toEqual(expected.functionCalls);
  expect(summary.finishReason).toBe(expected.finishReason);
  expect(summary.usage).toEqual(expected.usage);
  expect(response.modelVersion).toBe(expected.modelVersion);
  expect(response.responseId).toBe(expected.responseId);
  expect(response.candidates).toHaveLength(1);
  expected.check?.(response);
}
