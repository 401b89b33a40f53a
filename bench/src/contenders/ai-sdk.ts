import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { generateText, type ModelMessage, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { BENCH_MODEL } from '../script/run-script.ts';
import {
  type ChatSession,
  type Contender,
  type LoopContext,
  type LoopRunner,
  responseFromPieces,
  type StreamParser,
} from './contender.ts';

// The AI SDK prints a notice on its first warning; the bench output is not the place for it.
globalThis.AI_SDK_LOG_WARNINGS = false;

const input = z.object({ a: z.number().int(), b: z.number().int() });

/** The same two tools, the AI SDK way: zod input schemas and `execute`. */
const TOOLS = {
  add: tool({
    description: ADD_DESCRIPTION,
    inputSchema: input,
    execute: async (args) => add(args),
  }),
  multiply: tool({
    description: MULTIPLY_DESCRIPTION,
    inputSchema: input,
    execute: async (args) => multiply(args),
  }),
};

function createModel({ baseUrl, apiKey, fetch }: LoopContext) {
  return createGoogleGenerativeAI({
    apiKey,
    baseURL: `${baseUrl}/v1beta`,
    ...(fetch === undefined ? {} : { fetch }),
  })(BENCH_MODEL);
}

/** Vercel AI SDK `generateText` with zod tools and a step limit. */
export const aiSdkGenerateContender: Contender = {
  name: 'ai-sdk.generateText',
  library: 'ai',
  streaming: false,
  description: 'generateText + @ai-sdk/google, zod tools, stopWhen: stepCountIs(n)',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const model = createModel(context);
    return {
      async run(prompt) {
        const result = await generateText({
          model,
          prompt,
          tools: TOOLS,
          stopWhen: stepCountIs(context.maxSteps),
          maxRetries: 0,
        });
        return result.text;
      },
    };
  },
  async createChat(context: LoopContext): Promise<ChatSession> {
    const model = createModel(context);
    const messages: ModelMessage[] = [];
    let turns = 0;
    return {
      async send(text) {
        messages.push({ role: 'user', content: text });
        const result = await generateText({ model, messages, tools: TOOLS, maxRetries: 0 });
        for (const message of result.response.messages) messages.push(message);
        turns++;
        return result.text;
      },
      storedTurns: async () => (messages.length === turns * 2 ? turns : -1),
    };
  },
};

/** Vercel AI SDK `streamText`, every event of `fullStream` consumed. */
export const aiSdkStreamContender: Contender = {
  name: 'ai-sdk.streamText',
  library: 'ai',
  streaming: true,
  description: 'streamText + @ai-sdk/google, fullStream consumed, stopWhen: stepCountIs(n)',
  async createLoop(context: LoopContext): Promise<LoopRunner> {
    const model = createModel(context);
    return {
      async run(prompt) {
        let failure: unknown;
        const result = streamText({
          model,
          prompt,
          tools: TOOLS,
          stopWhen: stepCountIs(context.maxSteps),
          maxRetries: 0,
          onError: ({ error }) => {
            failure = error;
          },
        });
        for await (const part of result.fullStream) {
          if (part.type === 'error') failure ??= part.error;
        }
        if (failure !== undefined) throw failure;
        return await result.text;
      },
    };
  },
};

function fakeModel(pieces: () => readonly Uint8Array[]) {
  return createGoogleGenerativeAI({
    apiKey: 'bench-key',
    baseURL: 'http://in-memory/v1beta',
    fetch: async () => responseFromPieces(pieces()),
  })(BENCH_MODEL);
}

/**
 * The AI SDK's typed stream at the provider level: `LanguageModelV3.doStream` turns the body
 * into typed stream parts (`text-delta`, `finish`, ...). This is the narrow equivalent of a
 * typed chunk parser; `streamText` adds its own layers on top (next parser).
 */
export const aiSdkDoStreamParser: StreamParser = {
  name: 'ai-sdk (provider doStream)',
  library: '@ai-sdk/google',
  async create() {
    let current: readonly Uint8Array[] = [];
    const model = fakeModel(() => current);
    return async (pieces, prompt) => {
      current = pieces;
      const { stream } = await model.doStream({
        prompt: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
      });
      let text = '';
      for await (const part of stream) if (part.type === 'text-delta') text += part.delta;
      return text;
    };
  },
};

/** The AI SDK's whole `streamText` over the same body, `textStream` consumed. */
export const aiSdkStreamTextParser: StreamParser = {
  name: 'ai-sdk (streamText)',
  library: 'ai',
  async create() {
    let current: readonly Uint8Array[] = [];
    const model = fakeModel(() => current);
    return async (pieces, prompt) => {
      current = pieces;
      const result = streamText({ model, prompt, maxRetries: 0 });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      return text;
    };
  },
};
