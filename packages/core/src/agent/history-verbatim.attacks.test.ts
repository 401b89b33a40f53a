import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listFixtures, readFixtureJson, readFixtureText } from '../__fixtures__/recorded-gemini.ts';
import { createGemini } from '../http/create-gemini.ts';
import { foldStream } from '../streaming/fold-stream.ts';
import { codeExecution, googleSearch } from '../tools/builtin/built-in-tools.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { jsonSchema } from '../tools/schema/json-schema.ts';
import type { AnyTool } from '../tools/tool.ts';
import type { Content, Part } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createAgent } from './create-agent.ts';

// Attack: every recorded response and stream goes through the agent over real HTTP, with unknown
// fields added at every level gemloop might rebuild (part, content, candidate, response), and the
// model content the loop sends back must be the recorded one, deep-equal, unknown fields included.

const BASE = 'https://generativelanguage.googleapis.com/v1beta/models';
const received: GenerateContentBody[] = [];
const answers: (GenerateContentResponse | { sse: string })[] = [];
const server = setupServer(
  http.post(`${BASE}/:call`, async ({ request }) => {
    received.push((await request.json()) as GenerateContentBody);
    const answer = answers.shift();
    if (answer === undefined) {
      return HttpResponse.json(
        { error: { code: 400, message: 'no answer left', status: 'FAILED_PRECONDITION' } },
        { status: 400 },
      );
    }
    if ('sse' in answer) {
      return new HttpResponse(answer.sse, { headers: { 'content-type': 'text/event-stream' } });
    }
    return HttpResponse.json(answer);
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  received.length = 0;
  answers.length = 0;
});
afterAll(() => server.close());

const gemini = createGemini({ apiKey: 'test-key', retry: false });

const done: GenerateContentResponse = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'done' }] }, finishReason: 'STOP' }],
};

/** The model a fixture was recorded on, by its file-name prefix. */
function modelOf(file: string): string {
  if (file.includes('gemini3-pro')) return 'gemini-3-pro-preview';
  if (file.includes('gemini3')) return 'gemini-3-flash-preview';
  if (file.includes('gemini25-pro')) return 'gemini-2.5-pro';
  if (file.includes('gemini25')) return 'gemini-2.5-flash';
  if (file.includes('gemini20')) return 'gemini-2.0-flash';
  return 'gemini-1.5-flash';
}

/** One permissive tool per function the content calls, plus the built-ins it uses. */
function toolsFor(content: Content | undefined, model: string): AnyTool[] {
  const names = new Set<string>();
  let builtins = false;
  for (const part of content?.parts ?? []) {
    if (part.functionCall?.name !== undefined) names.add(part.functionCall.name);
    if (part.toolCall !== undefined || part.executableCode !== undefined) builtins = true;
  }
  const tools: AnyTool[] = [...names].map((name) =>
    defineTool({
      name,
      parameters: jsonSchema({ type: 'object' }),
      execute: () => ({ ok: true }),
    }),
  );
  // The server-side parts only make sense with the built-ins declared (Gemini 3 combines them).
  if (builtins && model.startsWith('gemini-3')) tools.push(googleSearch(), codeExecution());
  return tools;
}

/** Adds fields gemloop does not know to every part, the content, the candidate and the response. */
function withUnknownFields(response: GenerateContentResponse): GenerateContentResponse {
  const copy = structuredClone(response) as GenerateContentResponse & Record<string, unknown>;
  copy['futureResponseField'] = { kept: true };
  const candidate = copy.candidates?.[0] as
    | (Record<string, unknown> & { content?: unknown })
    | undefined;
  if (candidate !== undefined) {
    candidate['futureCandidateField'] = ['kept', 1];
    const content = candidate['content'] as
      | (Record<string, unknown> & { parts?: Part[] })
      | undefined;
    if (content !== undefined) {
      content['futureContentField'] = 'kept';
      for (const part of content.parts ?? []) {
        (part as Record<string, unknown>)['futurePartField'] = { nested: [1, { deep: null }] };
      }
    }
  }
  return copy;
}

/** Gemini 3 needs a signature on the first call of a turn; a gateway-stripped one gets a dummy. */
function needsDummySignature(content: Content, model: string): boolean {
  if (!model.startsWith('gemini-3')) return false;
  const first = content.parts.find((part) => part.functionCall !== undefined);
  return first !== undefined && first.thoughtSignature === undefined;
}

/** The model content of the first request that echoes one, after the user turn it answers. */
function echoedModelContent(): Content | undefined {
  for (const body of received) {
    const found = (body.contents as Content[]).find((content) => content.role === 'model');
    if (found !== undefined) return found;
  }
  return undefined;
}

async function runThrough(
  file: string,
  answer: GenerateContentResponse | { sse: string },
  expected: Content | undefined,
  streaming: boolean,
): Promise<{
  echoed: Content | undefined;
  finishReason: string;
  response: GenerateContentResponse;
}> {
  const model = modelOf(file);
  const agent = createAgent({ gemini, model, tools: toolsFor(expected, model) });
  answers.push(answer, done);
  const result = streaming ? await agent.stream('Go.').result : await agent.run('Go.');
  const response = result.steps[0]?.response as GenerateContentResponse;
  if (result.contents.length >= 3 && received.length >= 2) {
    return { echoed: echoedModelContent(), finishReason: result.finishReason, response };
  }
  // The run ended on this answer: continue the conversation to see what is sent back.
  if (result.contents.some((content) => content.role === 'model')) {
    received.length = 0;
    answers.push(done);
    await agent.run('And then?', { history: result.contents });
    return { echoed: echoedModelContent(), finishReason: result.finishReason, response };
  }
  return { echoed: undefined, finishReason: result.finishReason, response };
}

describe('the agent echoes recorded model content verbatim', () => {
  for (const file of listFixtures('responses')) {
    it(`keeps every field of responses/${file}, unknown ones included`, async () => {
      const recorded = withUnknownFields(
        readFixtureJson<GenerateContentResponse>(`responses/${file}`),
      );
      const candidate = recorded.candidates?.[0];
      const content = candidate?.content as Content | undefined;
      const hasParts = (content?.parts?.length ?? 0) > 0;
      const { echoed, response } = await runThrough(file, recorded, content, false);

      // What the step keeps of the response: the object as parsed, unknown fields included.
      expect(response).toEqual(recorded);
      if (!hasParts || content === undefined) {
        expect(echoed).toBeUndefined();
        return;
      }
      const model = modelOf(file);
      if (needsDummySignature(content, model)) {
        expect(echoed?.parts.slice(1)).toEqual(content.parts.slice(1));
        return;
      }
      expect(echoed).toEqual(content);
    });
  }

  for (const file of listFixtures('streams')) {
    it(`sends back the fold of streams/${file}, unknown fields included`, async () => {
      const text = readFixtureText(`streams/${file}`);
      let chunks: GenerateContentResponse[];
      if (file.endsWith('.sse')) {
        chunks = text
          .split(/\r?\n\r?\n/)
          .map((event) => event.trim())
          .filter((event) => event.startsWith('data:'))
          .map((event) => JSON.parse(event.slice(5)) as GenerateContentResponse);
      } else if (file.endsWith('.jsonl')) {
        chunks = text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as GenerateContentResponse);
      } else {
        chunks = JSON.parse(text) as GenerateContentResponse[];
      }
      chunks = chunks.map(withUnknownFields);
      const sse = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join('');
      const folded = await foldStream(structuredClone(chunks));
      const content = folded.candidates?.[0]?.content as Content | undefined;
      const model = modelOf(file);
      const { echoed } = await runThrough(file, { sse }, content, true);
      if (content === undefined || content.parts.length === 0) return;
      // The fold itself keeps what it does not know, at the content and on every part.
      expect((content as unknown as Record<string, unknown>)['futureContentField']).toBe('kept');
      for (const part of content.parts) {
        expect((part as Record<string, unknown>)['futurePartField']).toEqual({
          nested: [1, { deep: null }],
        });
      }
      expect((folded as Record<string, unknown>)['futureResponseField']).toEqual({ kept: true });
      expect(
        (folded.candidates?.[0] as Record<string, unknown> | undefined)?.['futureCandidateField'],
      ).toEqual(['kept', 1]);
      const partial = content.parts.some(
        (part) => part.functionCall !== undefined && part.functionCall.name === undefined,
      );
      if (partial) return;
      expect(echoed).toBeDefined();
      if (needsDummySignature(content, model)) {
        expect(echoed?.parts.slice(1)).toEqual(content.parts.slice(1));
        return;
      }
      expect(echoed).toEqual(content);
    });
  }
});
