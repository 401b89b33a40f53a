import {
  type CallableTool,
  type Content,
  type FunctionCall,
  type FunctionResponse,
  GoogleGenAI,
  type Part,
} from '@google/genai';
import { FUNCTION_DECLARATIONS, runBenchTool } from '../script/bench-tools.ts';
import { BENCH_MODEL } from '../script/run-script.ts';
import {
  type ChatSession,
  type Contender,
  type LoopContext,
  type LoopRunner,
  responseFromPieces,
  type StreamParser,
} from './contender.ts';

const TOOLS = [{ functionDeclarations: FUNCTION_DECLARATIONS }];

function createClient({ baseUrl, apiKey, fetch }: LoopContext): GoogleGenAI {
  // genai takes no fetch option: an injected one becomes the global of this (contender's) process.
  if (fetch !== undefined) globalThis.fetch = fetch;
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl } });
}

/** What a user writes to answer a turn's calls with genai: one user Content of responses. */
async function answerCalls(calls: FunctionCall[]): Promise<Content> {
  const parts = await Promise.all(
    calls.map(async (call): Promise<Part> => {
      const functionResponse: FunctionResponse = { response: runBenchTool(call.name, call.args) };
      if (call.id !== undefined) functionResponse.id = call.id;
      if (call.name !== undefined) functionResponse.name = call.name;
      return { functionResponse };
    }),
  );
  return { role: 'user', parts };
}

function textOf(parts: readonly Part[] | undefined): string {
  let text = '';
  for (const part of parts ?? []) if (typeof part.text === 'string') text += part.text;
  return text;
}

/** `@google/genai` with the loop written by hand around `models.generateContent`. */
export const genaiContender: Contender = {
  name: 'genai',
  library: '@google/genai',
  streaming: false,
  description: 'manual loop around models.generateContent',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const ai = createClient(context);
    return {
      async run(prompt) {
        const contents: Content[] = [{ role: 'user', parts: [{ text: prompt }] }];
        for (let step = 0; step < context.maxSteps; step++) {
          const response = await ai.models.generateContent({
            model: BENCH_MODEL,
            contents,
            config: { tools: TOOLS },
          });
          const content = response.candidates![0]!.content!;
          contents.push(content);
          const calls = response.functionCalls;
          if (calls === undefined || calls.length === 0) return textOf(content.parts);
          contents.push(await answerCalls(calls));
        }
        throw new Error(`genai: no final answer after ${context.maxSteps} steps`);
      },
    };
  },
  async createChat(context: LoopContext): Promise<ChatSession> {
    const ai = createClient(context);
    // genai's own chat layer keeps the history.
    const chat = ai.chats.create({ model: BENCH_MODEL, config: { tools: TOOLS } });
    let turns = 0;
    return {
      async send(text) {
        const response = await chat.sendMessage({ message: text });
        turns++;
        return textOf(response.candidates?.[0]?.content?.parts);
      },
      storedTurns: async () => (chat.getHistory(true).length === turns * 2 ? turns : -1),
    };
  },
};

/** `@google/genai` with the loop written by hand around `models.generateContentStream`. */
export const genaiStreamContender: Contender = {
  name: 'genai.stream',
  library: '@google/genai',
  streaming: true,
  description: 'manual loop around models.generateContentStream, parts collected per turn',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const ai = createClient(context);
    return {
      async run(prompt) {
        const contents: Content[] = [{ role: 'user', parts: [{ text: prompt }] }];
        for (let step = 0; step < context.maxSteps; step++) {
          const stream = await ai.models.generateContentStream({
            model: BENCH_MODEL,
            contents,
            config: { tools: TOOLS },
          });
          const parts: Part[] = [];
          const calls: FunctionCall[] = [];
          for await (const chunk of stream) {
            for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
              parts.push(part);
              if (part.functionCall !== undefined) calls.push(part.functionCall);
            }
          }
          contents.push({ role: 'model', parts });
          if (calls.length === 0) return textOf(parts);
          contents.push(await answerCalls(calls));
        }
        throw new Error(`genai.stream: no final answer after ${context.maxSteps} steps`);
      },
    };
  },
};

/**
 * `@google/genai`'s automatic function calling: a `CallableTool` and one `generateContent` call
 * that loops inside the SDK (`automaticFunctionCalling.maximumRemoteCalls`).
 */
export const genaiAfcContender: Contender = {
  name: 'genai.afc',
  library: '@google/genai',
  streaming: false,
  description: 'automatic function calling: a CallableTool, one models.generateContent call',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const ai = createClient(context);
    const callable: CallableTool = {
      tool: async () => TOOLS[0]!,
      callTool: async (calls) => (await answerCalls(calls)).parts!,
    };
    return {
      async run(prompt) {
        const response = await ai.models.generateContent({
          model: BENCH_MODEL,
          contents: prompt,
          config: {
            tools: [callable],
            automaticFunctionCalling: { maximumRemoteCalls: context.maxSteps },
          },
        });
        return textOf(response.candidates?.[0]?.content?.parts);
      },
    };
  },
};

/**
 * genai's typed stream: `models.generateContentStream` over an in-memory body (the global
 * `fetch` is replaced in the parser's own process; genai takes no `fetch` option).
 */
export const genaiParser: StreamParser = {
  name: 'genai',
  library: '@google/genai',
  async create() {
    let pieces: readonly Uint8Array[] = [];
    globalThis.fetch = async () => responseFromPieces(pieces);
    const ai = new GoogleGenAI({
      apiKey: 'bench-key',
      httpOptions: { baseUrl: 'http://in-memory' },
    });
    return async (bodyPieces, prompt) => {
      pieces = bodyPieces;
      const stream = await ai.models.generateContentStream({
        model: BENCH_MODEL,
        contents: prompt,
      });
      let text = '';
      for await (const chunk of stream) text += textOf(chunk.candidates?.[0]?.content?.parts);
      return text;
    };
  },
};
