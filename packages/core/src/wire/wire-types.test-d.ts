import { describe, expectTypeOf, it } from 'vitest';
import type { Content, FunctionResponse, Part } from './content.ts';
import type { GoogleErrorBody, GoogleErrorDetail } from './error-body.ts';
import type {
  FunctionDeclaration,
  GenerateContentRequest,
  SafetySetting,
  Tool,
  ToolConfig,
} from './request.ts';
import type { BlockReason, FinishReason, GenerateContentResponse } from './response.ts';
import type { Schema } from './schema.ts';

// The wire types take the shapes Gemini documents and returns (shared/reference/gemini-wire.md,
// recorded fixtures named there), keep enum values Gemini adds later, and refuse the shapes the
// API answers with a 400.

describe('Content and Part', () => {
  it('takes a user turn, a signed function-call turn and a function-response turn', () => {
    const history = [
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.', thought: true },
          {
            functionCall: { id: 'w71i0cbt', name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: 'CiQB...',
          },
        ],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'w71i0cbt',
              name: 'get_weather',
              response: { output: { celsius: 21 } },
              parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
            },
          },
        ],
      },
    ] satisfies Content[];
    expectTypeOf(history).toMatchTypeOf<Content[]>();
  });

  it('takes a content without a role (the API reads it as user) and code execution parts', () => {
    const content = {
      parts: [
        { executableCode: { id: 'c1', language: 'PYTHON', code: 'print(1)' } },
        { codeExecutionResult: { id: 'c1', outcome: 'OUTCOME_OK', output: '1\n' } },
        { toolCall: { id: 't1', toolType: 'GOOGLE_SEARCH_WEB', args: { queries: ['x'] } } },
      ],
    } satisfies Content;
    expectTypeOf(content).toMatchTypeOf<Content>();
  });

  it('refuses a role the API refuses, and a content without parts', () => {
    // @ts-expect-error: 400 "Please use a valid role: user, model."
    const assistant: Content = { role: 'assistant', parts: [{ text: 'hi' }] };
    // @ts-expect-error: `parts` is required.
    const empty: Content = { role: 'user' };
    void assistant;
    void empty;
  });

  it('refuses a function call without a name and a response that is not an object', () => {
    // @ts-expect-error: FunctionCall.name is required.
    const nameless: Part = { functionCall: { args: {} } };
    // @ts-expect-error: 400 "Proto field is not repeating, cannot start list."
    const list: FunctionResponse = { name: 'f', response: [1, 2] };
    // @ts-expect-error: a string response is not a Struct either.
    const text: FunctionResponse = { name: 'f', response: 'sunny' };
    // @ts-expect-error: args is a JSON object, not a JSON string.
    const stringArgs: Part = { functionCall: { name: 'f', args: '{"city":"Paris"}' } };
    void nameless;
    void list;
    void text;
    void stringArgs;
  });
});

describe('the request', () => {
  it('takes tools of each kind with function declarations in either schema form', () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            parameters: {
              type: 'OBJECT',
              properties: { city: { type: 'STRING' } },
              required: ['city'],
            },
          },
          {
            name: 'search_docs',
            parametersJsonSchema: {
              type: 'object',
              properties: { q: { type: 'string' } },
              additionalProperties: false,
            },
          },
        ],
      },
      { googleSearch: {} },
      { urlContext: {} },
      { codeExecution: {} },
      { fileSearch: { fileSearchStoreNames: ['fileSearchStores/abc'], topK: 5 } },
      { googleMaps: { enableWidget: true } },
    ] satisfies Tool[];
    expectTypeOf(tools).toMatchTypeOf<Tool[]>();
  });

  it('refuses keywords in `parameters` that the API rejects with "Unknown name"', () => {
    // @ts-expect-error: 400 Unknown name "additionalProperties" in parameters (use parametersJsonSchema).
    const withAdditional: Schema = { type: 'OBJECT', additionalProperties: false };
    // @ts-expect-error: 400 Unknown name "const".
    const withConst: Schema = { type: 'STRING', const: 'x' };
    // @ts-expect-error: enum takes strings only in the OpenAPI subset.
    const numericEnum: Schema = { type: 'INTEGER', enum: [1, 2] };
    void withAdditional;
    void withConst;
    void numericEnum;
  });

  it('refuses a declaration without a name and tools with options they do not take', () => {
    // @ts-expect-error: name is required.
    const nameless: FunctionDeclaration = { description: 'x' };
    // @ts-expect-error: urlContext takes no options.
    const urlContext: Tool = { urlContext: { maxUrls: 3 } };
    // @ts-expect-error: fileSearch needs the store names.
    const fileSearch: Tool = { fileSearch: { topK: 5 } };
    void nameless;
    void urlContext;
    void fileSearch;
  });

  it('takes the documented calling modes and modes added later', () => {
    const configs = [
      { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      { functionCallingConfig: { mode: 'VALIDATED' } },
      { functionCallingConfig: { mode: 'SOME_FUTURE_MODE' } },
      {
        includeServerSideToolInvocations: true,
        retrievalConfig: { latLng: { latitude: 48.8, longitude: 2.3 } },
      },
    ] satisfies ToolConfig[];
    expectTypeOf(configs).toMatchTypeOf<ToolConfig[]>();
    // @ts-expect-error: a position needs both coordinates.
    const half: ToolConfig = { retrievalConfig: { latLng: { latitude: 1 } } };
    void half;
  });

  it('takes a request with a string prompt and generation settings, and refuses one without a model', () => {
    const request = {
      model: 'gemini-2.5-flash',
      contents: 'Hello',
      systemInstruction: 'Be brief.',
      generationConfig: {
        maxOutputTokens: 256,
        thinkingConfig: { thinkingBudget: 0 },
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
      },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
      serviceTier: 'flex',
    } satisfies GenerateContentRequest;
    expectTypeOf(request).toMatchTypeOf<GenerateContentRequest>();
    // @ts-expect-error: model is required.
    const modelless: GenerateContentRequest = { contents: 'Hello' };
    // @ts-expect-error: a safety setting needs its threshold.
    const setting: SafetySetting = { category: 'HARM_CATEGORY_HARASSMENT' };
    void modelless;
    void setting;
  });
});

describe('the response', () => {
  it('takes the shapes recordings show: empty content, content without parts, no candidates', () => {
    const safety = {
      candidates: [{ content: {}, finishReason: 'SAFETY', index: 0 }],
    } satisfies GenerateContentResponse;
    const maxTokens = {
      candidates: [{ content: { role: 'model' }, finishReason: 'MAX_TOKENS' }],
      usageMetadata: { promptTokenCount: 7, totalTokenCount: 7, serviceTier: 'standard' },
    } satisfies GenerateContentResponse;
    const promptBlocked = {
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
    } satisfies GenerateContentResponse;
    expectTypeOf([safety, maxTokens, promptBlocked]).toMatchTypeOf<GenerateContentResponse[]>();
  });

  it('keeps finish and block reasons Gemini adds later, while listing the known ones', () => {
    expectTypeOf<'STOP'>().toMatchTypeOf<FinishReason>();
    expectTypeOf<'MODEL_ARMOR'>().toMatchTypeOf<FinishReason>();
    expectTypeOf<'SOMETHING_NEW'>().toMatchTypeOf<FinishReason>();
    expectTypeOf<'JAILBREAK'>().toMatchTypeOf<BlockReason>();
    expectTypeOf<number>().not.toMatchTypeOf<FinishReason>();
  });

  it('refuses a usage count that is not a number and a candidates field that is not a list', () => {
    // @ts-expect-error: token counts are numbers.
    const usage: GenerateContentResponse = { usageMetadata: { totalTokenCount: '12' } };
    // @ts-expect-error: candidates is a list.
    const single: GenerateContentResponse = { candidates: { index: 0 } };
    void usage;
    void single;
  });
});

describe('the error body', () => {
  it("takes Google's error with typed and unknown details", () => {
    const body = {
      error: {
        code: 429,
        message: 'Resource has been exhausted',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58s' },
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{ quotaId: 'PerMinute' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.Future', anything: [1, 2] },
        ],
      },
    } satisfies GoogleErrorBody;
    expectTypeOf(body).toMatchTypeOf<GoogleErrorBody>();
    expectTypeOf<{ '@type': 'x' }>().toMatchTypeOf<GoogleErrorDetail>();
    // @ts-expect-error: the body is wrapped in `error`.
    const bare: GoogleErrorBody = { code: 429 };
    void bare;
  });
});
