import { FUNCTION_DECLARATIONS, runBenchTool } from '../script/bench-tools.ts';
import { BENCH_MODEL } from '../script/run-script.ts';
import type { ChatSession, Contender, LoopContext, LoopRunner } from './contender.ts';
import { SseSplitter } from './split-sse.ts';

type Part = {
  text?: string;
  thoughtSignature?: string;
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
};
type Content = { role: string; parts: Part[] };
type Chunk = { candidates?: { content?: { parts?: Part[] } }[] };

const TOOLS = [{ functionDeclarations: FUNCTION_DECLARATIONS }];

async function post(
  fetch: typeof globalThis.fetch,
  url: string,
  apiKey: string,
  body: unknown,
): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response;
}

/** Runs the calls of a model turn (in parallel, as every contender does) into one user Content. */
async function answerCalls(calls: Part[]): Promise<Content> {
  const results = await Promise.all(
    calls.map(async (part) => runBenchTool(part.functionCall!.name, part.functionCall!.args)),
  );
  return {
    role: 'user',
    parts: calls.map((part, index) => ({
      functionResponse: {
        id: part.functionCall!.id,
        name: part.functionCall!.name,
        response: results[index],
      },
    })) as Part[],
  };
}

function textOf(parts: Part[]): string {
  let text = '';
  for (const part of parts) if (typeof part.text === 'string') text += part.text;
  return text;
}

/**
 * The floor: what a hand-written loop on `fetch` + `JSON.parse` costs, with no validation, no
 * retries and no events. Nothing can do the same work for less, so every other contender is
 * measured against it.
 */
export const floorContender: Contender = {
  name: 'floor',
  library: 'floor',
  streaming: false,
  description: 'hand-written loop: fetch + JSON.parse, history in an array',
  async createLoop({
    baseUrl,
    apiKey,
    maxSteps,
    fetch = globalThis.fetch,
  }: LoopContext): Promise<LoopRunner> {
    const url = `${baseUrl}/v1beta/models/${BENCH_MODEL}:generateContent`;
    return {
      async run(prompt) {
        const contents: Content[] = [{ role: 'user', parts: [{ text: prompt }] }];
        for (let step = 0; step < maxSteps; step++) {
          const response = await post(fetch, url, apiKey, { contents, tools: TOOLS });
          const data = JSON.parse(await response.text()) as Chunk;
          const content = data.candidates![0]!.content as Content;
          contents.push(content);
          const calls = content.parts.filter((part) => part.functionCall !== undefined);
          if (calls.length === 0) return textOf(content.parts);
          contents.push(await answerCalls(calls));
        }
        throw new Error(`floor: no final answer after ${maxSteps} steps`);
      },
    };
  },
  async createChat({
    baseUrl,
    apiKey,
    fetch = globalThis.fetch,
  }: LoopContext): Promise<ChatSession> {
    const url = `${baseUrl}/v1beta/models/${BENCH_MODEL}:generateContent`;
    const contents: Content[] = [];
    return {
      async send(text) {
        contents.push({ role: 'user', parts: [{ text }] });
        const response = await post(fetch, url, apiKey, { contents, tools: TOOLS });
        const data = JSON.parse(await response.text()) as Chunk;
        const content = data.candidates![0]!.content as Content;
        contents.push(content);
        return textOf(content.parts);
      },
      storedTurns: async () => contents.length / 2,
    };
  },
};

/**
 * The streaming floor: the same loop on `streamGenerateContent?alt=sse` with the minimal SSE
 * split of {@link SseSplitter}. The model turn it replays is every streamed part in order.
 */
export const floorStreamContender: Contender = {
  name: 'floor.stream',
  library: 'floor',
  streaming: true,
  description: 'hand-written streaming loop: fetch + split on CRLF CRLF + JSON.parse',
  async createLoop({
    baseUrl,
    apiKey,
    maxSteps,
    fetch = globalThis.fetch,
  }: LoopContext): Promise<LoopRunner> {
    const url = `${baseUrl}/v1beta/models/${BENCH_MODEL}:streamGenerateContent?alt=sse`;
    return {
      async run(prompt) {
        const contents: Content[] = [{ role: 'user', parts: [{ text: prompt }] }];
        for (let step = 0; step < maxSteps; step++) {
          const response = await post(fetch, url, apiKey, { contents, tools: TOOLS });
          const parts: Part[] = [];
          const splitter = new SseSplitter((value) => {
            const chunkParts = (value as Chunk).candidates?.[0]?.content?.parts;
            if (chunkParts !== undefined) for (const part of chunkParts) parts.push(part);
          });
          for await (const piece of response.body!) splitter.feed(piece);
          contents.push({ role: 'model', parts });
          const calls = parts.filter((part) => part.functionCall !== undefined);
          if (calls.length === 0) return textOf(parts);
          contents.push(await answerCalls(calls));
        }
        throw new Error(`floor.stream: no final answer after ${maxSteps} steps`);
      },
    };
  },
};
