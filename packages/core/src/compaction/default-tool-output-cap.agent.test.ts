import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { subagent } from '../composition/subagent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { REST_NOT_KEPT, TRUNCATED_RESULT_KEY } from '../tools/responses/cut-function-response.ts';
import {
  DEFAULT_TOOL_OUTPUT_MAX_TOKENS,
  defaultToolOutputLimit,
} from '../tools/responses/default-tool-output-limit.ts';
import type { FunctionResponse } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { toolOutput } from './tool-output.ts';

// The cap every agent puts on one tool result when it sets no `toolOutput`: a 5 MB result must
// not reach the model whole (it would be most of a 1M window, and 5 MB on every later request).

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const FIVE_MB = 5 * 1024 * 1024;

function dumpTool(size: number) {
  return defineTool({
    name: 'dump_log',
    description: 'Returns the whole log.',
    parameters: z.object({}),
    execute: () => ({ log: 'x'.repeat(size) }),
  });
}

/** Calls dump_log once, then answers with the length of what it got back. */
const caller: FakeScriptFunction = (request) => {
  const answered = request.body.contents
    .flatMap((content) => content.parts)
    .find((part) => part.functionResponse?.name === 'dump_log');
  if (answered === undefined) return turn.call('dump_log', {});
  return turn.text(`Got ${JSON.stringify(answered.functionResponse?.response).length}`);
};

async function serve(script: FakeScriptFunction = caller) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

/** The dump_log response of the last model request that holds one. */
function sentResponse(fake: FakeGemini): FunctionResponse {
  const responses = fake.modelRequests.flatMap((request) =>
    (request.body as GenerateContentBody).contents
      .flatMap((content) => content.parts)
      .flatMap((part) =>
        part.functionResponse?.name === 'dump_log' ? [part.functionResponse] : [],
      ),
  );
  const last = responses.at(-1);
  if (last === undefined) throw new Error('no dump_log response was sent');
  return last;
}

describe('the default cap on a tool result (no toolOutput option)', () => {
  it('cuts a 5 MB result to 25,000 tokens, streamed and unary alike; the app keeps the whole value', async () => {
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve();
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [dumpTool(FIVE_MB)] });
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (streaming) {
        const stream = agent.stream('Read the log.');
        for await (const _ of stream);
        result = await stream.result;
      } else {
        result = await agent.run('Read the log.');
      }
      const sent = sentResponse(fake).response as Record<string, unknown>;
      expect(String(sent['output']).length).toBe(DEFAULT_TOOL_OUTPUT_MAX_TOKENS * 4);
      expect(sent[TRUNCATED_RESULT_KEY]).toContain(REST_NOT_KEPT);
      expect(sent[TRUNCATED_RESULT_KEY]).toContain(`of ${FIVE_MB + 10} characters`);
      // Every request stays small: the model never got the 5 MB.
      for (const request of fake.modelRequests) {
        expect(JSON.stringify(request.body).length).toBeLessThan(150_000);
      }
      expect(result.text).toMatch(/^Got \d+$/);
      // The app has the result whole (its step's record); the model got the cut.
      const output = result.steps[0]?.toolCalls[0]?.output as { log?: string } | undefined;
      expect(output?.log?.length).toBe(FIVE_MB);
    }
  });

  it("cuts a subagent's tool result in the child's own requests", async () => {
    const script: FakeScriptFunction = (request) => {
      const tools = request.body.tools?.flatMap((tool) => tool.functionDeclarations ?? []) ?? [];
      if (tools.some((tool) => tool.name === 'dump_log')) return caller(request, {} as never);
      const answered = request.body.contents
        .flatMap((content) => content.parts)
        .some((part) => part.functionResponse?.name === 'logs');
      return answered ? turn.text('Done.') : turn.call('logs', { task: 'read the log' });
    };
    const { fake, gemini } = await serve(script);
    const child = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [dumpTool(FIVE_MB)] });
    const parent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [subagent(child, { name: 'logs', description: 'Reads logs.' })],
    });
    const stream = parent.stream('Check the logs.');
    for await (const _ of stream);
    const result = await stream.result;
    expect(result.text).toBe('Done.');
    const sent = sentResponse(fake).response as Record<string, unknown>;
    expect(String(sent['output']).length).toBe(DEFAULT_TOOL_OUTPUT_MAX_TOKENS * 4);
    for (const request of fake.modelRequests) {
      expect(JSON.stringify(request.body).length).toBeLessThan(150_000);
    }
  });

  it('is a tenth of a smaller window (not below 8,192 tokens)', async () => {
    expect(defaultToolOutputLimit(undefined)).toEqual({ maxTokens: 25_000 });
    expect(defaultToolOutputLimit(1_048_576)).toEqual({ maxTokens: 25_000 });
    expect(defaultToolOutputLimit(131_072)).toEqual({ maxTokens: 13_107 });
    expect(defaultToolOutputLimit(65_536)).toEqual({ maxTokens: 8_192 });
    // gemini-3.1-flash-image-preview's window is 65,536 tokens in the table.
    const { fake, gemini } = await serve();
    const agent = createAgent({
      gemini,
      model: 'gemini-3.1-flash-image-preview',
      tools: [dumpTool(200_000)],
    });
    await agent.run('Read the log.');
    expect(String((sentResponse(fake).response as Record<string, unknown>)['output']).length).toBe(
      8_192 * 4,
    );
  });

  it('is lifted by toolOutput({ maxTokens }), kept for tools a perTool-only toolOutput leaves out, and off with false', async () => {
    const size = 150_000; // about 37,500 tokens: past the default, under 50,000
    const whole = async (option: Parameters<typeof createAgent>[0]['toolOutput']) => {
      const { fake, gemini } = await serve();
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [dumpTool(size)],
        toolOutput: option,
      });
      await agent.run('Read the log.');
      const sent = sentResponse(fake).response as Record<string, unknown>;
      return sent[TRUNCATED_RESULT_KEY] === undefined && (sent['log'] as string).length === size;
    };
    expect(await whole(toolOutput({ maxTokens: 50_000 }))).toBe(true);
    expect(await whole(false)).toBe(true);
    expect(await whole(toolOutput({ perTool: { other_tool: { maxTokens: 10 } } }))).toBe(false);
    expect(await whole(undefined)).toBe(false);
  });

  it('refuses toolOutput: true, saying what it takes', async () => {
    const { gemini } = await serve();
    const make = () =>
      createAgent({ gemini, model: 'gemini-2.5-flash', toolOutput: true as never });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(/or false for no cap/);
  });
});
