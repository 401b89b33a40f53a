import { describe, expect, it } from 'vitest';
import type { GenerateContentRequest } from '../wire/request.ts';
import { toCreateInteractionRequest } from './to-create-interaction-request.ts';

// What the agent sends, as the Interactions API's steps and tools (`@google/genai` 2.32.0's
// `UserInputStep.content: Content[]`, `ImageContent`/`AudioContent`/`VideoContent`/`DocumentContent`
// `{ type, data | uri, mime_type }`, `FunctionResultStep.result: FunctionResultSubcontent[] | object
// | string`, `ComputerUse { type: 'computer_use', environment: 'browser' | 'mobile' | 'desktop' }`):
// nothing the agent was given is dropped on the way.

const PNG = 'iVBORw0KGgo=';
const translate = (request: Omit<GenerateContentRequest, 'model'>) =>
  toCreateInteractionRequest(
    { model: 'gemini-3-flash-preview', ...request } as GenerateContentRequest,
    typeof request.contents === 'string' ? [] : request.contents,
    undefined,
    false,
  );

describe('toCreateInteractionRequest', () => {
  it("sends a user's images, audio, video and documents, inline or by URI, in their place among the text", () => {
    const body = translate({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Compare' },
            { inlineData: { mimeType: 'image/png', data: PNG } },
            { fileData: { mimeType: 'application/pdf', fileUri: 'https://files/abc' } },
            { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
            { fileData: { mimeType: 'video/mp4', fileUri: 'https://files/v' } },
            { text: 'please.' },
          ],
        },
      ],
    });
    expect(body.input).toEqual([
      {
        type: 'user_input',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', data: PNG, mime_type: 'image/png' },
          { type: 'document', uri: 'https://files/abc', mime_type: 'application/pdf' },
          { type: 'audio', data: 'UklGRg==', mime_type: 'audio/wav' },
          { type: 'video', uri: 'https://files/v', mime_type: 'video/mp4' },
          { type: 'text', text: 'please.' },
        ],
      },
    ]);
  });

  it("keeps a model turn's image in a history sent whole", () => {
    const body = translate({
      contents: [
        { role: 'user', parts: [{ text: 'Draw' }] },
        {
          role: 'model',
          parts: [{ text: 'Here:' }, { inlineData: { mimeType: 'image/png', data: PNG } }],
        },
      ],
    });
    expect(body.input?.[1]).toEqual({
      type: 'model_output',
      content: [
        { type: 'text', text: 'Here:' },
        { type: 'image', data: PNG, mime_type: 'image/png' },
      ],
    });
  });

  it("sends a function response's media (a computer use screenshot) with its response", () => {
    const body = translate({
      contents: [
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                id: 'c1',
                name: 'click_at',
                response: { url: 'https://example.com/' },
                parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }],
              },
            },
          ],
        },
      ],
    });
    expect(body.input).toEqual([
      {
        type: 'function_result',
        call_id: 'c1',
        name: 'click_at',
        result: [
          { type: 'text', text: '{"url":"https://example.com/"}' },
          { type: 'image', data: PNG, mime_type: 'image/png' },
        ],
      },
    ]);
  });

  it('declares the computer use tool', () => {
    const body = translate({
      contents: [{ role: 'user', parts: [{ text: 'Book it' }] }],
      tools: [
        {
          computerUse: {
            environment: 'ENVIRONMENT_BROWSER',
            excludedPredefinedFunctions: ['drag_and_drop'],
            enablePromptInjectionDetection: true,
            disabledSafetyPolicies: ['FINANCIAL_TRANSACTIONS'],
          },
        },
      ],
    });
    expect(body.tools).toEqual([
      {
        type: 'computer_use',
        environment: 'browser',
        excluded_predefined_functions: ['drag_and_drop'],
        enable_prompt_injection_detection: true,
        disabled_safety_policies: ['financial_transactions'],
      },
    ]);
  });
});
