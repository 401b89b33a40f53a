import type { Contender, StreamParser } from './contender.ts';

/** A contender known by name, loaded only in the process that measures it. */
export type ContenderEntry = {
  name: string;
  library: string;
  streaming: boolean;
  /** Has a chat form (`createChat`). */
  chat: boolean;
  /** Speaks HTTP itself (no `fetch` to inject): left out of the in-process overhead scenario. */
  httpOnly?: boolean | undefined;
  /** Measured in the long stream alone: a diagnostic row of its peak RSS, not a loop contender. */
  longStreamOnly?: boolean | undefined;
  load(): Promise<Contender>;
};

/** A stream parser known by name, loaded only in the process that measures it. */
export type ParserEntry = {
  name: string;
  library: string;
  /** What the measured path includes, for the results page. */
  includes: string;
  load(): Promise<StreamParser>;
};

// Dynamic imports: each worker process loads only the library it measures, so one library's
// import never shows up in another's memory or timings.
/** Every loop contender, floors first. */
export const CONTENDERS: readonly ContenderEntry[] = [
  {
    name: 'floor',
    library: 'floor',
    streaming: false,
    chat: true,
    load: async () => (await import('./floor.ts')).floorContender,
  },
  {
    name: 'floor.stream',
    library: 'floor',
    streaming: true,
    chat: false,
    load: async () => (await import('./floor.ts')).floorStreamContender,
  },
  {
    name: 'floor.http',
    library: 'floor',
    streaming: false,
    chat: false,
    httpOnly: true,
    load: async () => (await import('./floor-http.ts')).floorHttpContender,
  },
  {
    name: 'floor.http.stream',
    library: 'floor',
    streaming: true,
    chat: false,
    httpOnly: true,
    load: async () => (await import('./floor-http.ts')).floorHttpStreamContender,
  },
  {
    name: 'floor.undici',
    library: 'floor',
    streaming: false,
    chat: false,
    httpOnly: true,
    load: async () => (await import('./floor-undici.ts')).floorUndiciContender,
  },
  {
    name: 'floor.undici.stream',
    library: 'floor',
    streaming: true,
    chat: false,
    httpOnly: true,
    load: async () => (await import('./floor-undici.ts')).floorUndiciStreamContender,
  },
  {
    name: 'floor.undici.zod.stream',
    library: 'floor',
    streaming: true,
    chat: false,
    httpOnly: true,
    longStreamOnly: true,
    load: async () => (await import('./floor-undici.ts')).floorUndiciZodStreamContender,
  },
  {
    name: 'gemloop.run',
    library: '@gemloop/core',
    streaming: false,
    chat: true,
    load: async () => (await import('./gemloop.ts')).gemloopRunContender,
  },
  {
    // Idle telemetry (gemloop.run) against none at all: the same figure, within noise.
    name: 'gemloop.run.no-telemetry',
    library: '@gemloop/core',
    streaming: false,
    chat: false,
    load: async () => (await import('./gemloop.ts')).gemloopNoTelemetryContender,
  },
  {
    // The per-step cost of tracing: gemloop.run with an in-memory OpenTelemetry exporter.
    name: 'gemloop.run+otel',
    library: '@gemloop/core',
    streaming: false,
    chat: false,
    load: async () => (await import('./gemloop.ts')).gemloopOtelContender,
  },
  {
    name: 'gemloop.stream',
    library: '@gemloop/core',
    streaming: true,
    chat: false,
    load: async () => (await import('./gemloop.ts')).gemloopStreamContender,
  },
  {
    name: 'gemloop.run.fetch',
    library: '@gemloop/core',
    streaming: false,
    chat: false,
    load: async () => (await import('./gemloop.ts')).gemloopRunFetchContender,
  },
  {
    name: 'gemloop.stream.fetch',
    library: '@gemloop/core',
    streaming: true,
    chat: false,
    load: async () => (await import('./gemloop.ts')).gemloopStreamFetchContender,
  },
  {
    name: 'genai',
    library: '@google/genai',
    streaming: false,
    chat: true,
    load: async () => (await import('./genai.ts')).genaiContender,
  },
  {
    name: 'genai.afc',
    library: '@google/genai',
    streaming: false,
    chat: false,
    load: async () => (await import('./genai.ts')).genaiAfcContender,
  },
  {
    name: 'genai.stream',
    library: '@google/genai',
    streaming: true,
    chat: false,
    load: async () => (await import('./genai.ts')).genaiStreamContender,
  },
  {
    name: 'ai-sdk.generateText',
    library: 'ai',
    streaming: false,
    chat: true,
    load: async () => (await import('./ai-sdk.ts')).aiSdkGenerateContender,
  },
  {
    name: 'ai-sdk.streamText',
    library: 'ai',
    streaming: true,
    chat: false,
    load: async () => (await import('./ai-sdk.ts')).aiSdkStreamContender,
  },
];

/** Every typed stream parser; the first is the reference of the parse targets. */
export const PARSERS: readonly ParserEntry[] = [
  {
    name: 'eventsource-parser + JSON.parse',
    includes: 'TextDecoder, eventsource-parser, JSON.parse; fed the pieces directly (no streams)',
    library: 'eventsource-parser',
    load: async () => (await import('./bare-parsers.ts')).bareParser,
  },
  {
    name: 'eventsource-parser over Response.body',
    includes: 'bare parser plus a Response and its ReadableStream, read with for await',
    library: 'eventsource-parser',
    load: async () => (await import('./bare-parsers.ts')).bareResponseParser,
  },
  {
    name: 'floor split (CRLF CRLF) + JSON.parse',
    includes: 'TextDecoder, indexOf on CRLF CRLF, JSON.parse; fed the pieces directly',
    library: 'floor',
    load: async () => (await import('./bare-parsers.ts')).floorSplitParser,
  },
  {
    name: 'gemloop (streamGenerateContent)',
    includes: 'request building, injected fetch, SSE parsing, per-chunk validation to typed chunks',
    library: '@gemloop/core',
    load: async () => (await import('./gemloop.ts')).gemloopParser,
  },
  {
    name: 'genai',
    includes:
      'request building, fetch stand-in, its SSE split, JSON.parse, converters to GenerateContentResponse instances',
    library: '@google/genai',
    load: async () => (await import('./genai.ts')).genaiParser,
  },
  {
    name: 'ai-sdk (provider doStream)',
    includes:
      'request building, fetch stand-in, TextDecoderStream + EventSourceParserStream, JSON.parse + zod safeParse per chunk, mapping to stream parts',
    library: '@ai-sdk/google',
    load: async () => (await import('./ai-sdk.ts')).aiSdkDoStreamParser,
  },
  {
    name: 'ai-sdk (streamText)',
    includes: 'everything of doStream, plus streamText step handling and its text stream',
    library: 'ai',
    load: async () => (await import('./ai-sdk.ts')).aiSdkStreamTextParser,
  },
];
