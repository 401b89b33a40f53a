import { describe, expect, it } from 'vitest';
import type { GenerateContentRequest } from '../wire/request.ts';
import { toCreateInteractionRequest } from './to-create-interaction-request.ts';
import {
  createInteractionGrounding,
  interactionStepParts,
} from './to-generate-content-response.ts';

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

  it('declares the File Search tool with its stores, filter and topK', () => {
    // `@google/genai` 2.18's interactions `FileSearch`: `{ type: 'file_search',
    // file_search_store_names, metadata_filter, top_k }`.
    const body = translate({
      contents: [{ role: 'user', parts: [{ text: 'Days of leave?' }] }],
      tools: [
        {
          fileSearch: {
            fileSearchStoreNames: ['fileSearchStores/handbook-1'],
            metadataFilter: 'team = "hr"',
            topK: 3,
          },
        },
        { fileSearch: { fileSearchStoreNames: ['fileSearchStores/other-2'] } },
      ],
    });
    expect(body.tools).toEqual([
      {
        type: 'file_search',
        file_search_store_names: ['fileSearchStores/handbook-1'],
        metadata_filter: 'team = "hr"',
        top_k: 3,
      },
      { type: 'file_search', file_search_store_names: ['fileSearchStores/other-2'] },
    ]);
  });

  it('sends the generation settings the Interactions API takes, thinking and tool choice included', () => {
    const body = translate({
      contents: 'Hi',
      generationConfig: {
        temperature: 0.2,
        topP: 0.9,
        maxOutputTokens: 500,
        seed: 7,
        stopSequences: ['END'],
        thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true },
        imageConfig: { aspectRatio: '16:9', imageSize: '2K' },
      },
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    });
    expect(body.generation_config).toEqual({
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 500,
      seed: 7,
      stop_sequences: ['END'],
      thinking_level: 'low',
      thinking_summaries: 'auto',
      image_config: { aspect_ratio: '16:9', image_size: '2K' },
      tool_choice: { allowed_tools: { mode: 'any', tools: ['get_weather'] } },
    });
    expect(
      translate({
        contents: 'Hi',
        generationConfig: { thinkingConfig: { includeThoughts: false } },
        toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      }).generation_config,
    ).toEqual({ thinking_summaries: 'none', tool_choice: 'none' });
  });

  it.each([
    ['topK', { topK: 40 }, 'generationConfig.topK'],
    ['presencePenalty', { presencePenalty: 0.5 }, 'generationConfig.presencePenalty'],
    ['responseLogprobs', { responseLogprobs: true }, 'generationConfig.responseLogprobs'],
    ['candidateCount', { candidateCount: 2 }, 'generationConfig.candidateCount'],
    [
      'thinkingBudget',
      { thinkingConfig: { thinkingBudget: 1024 } },
      'generationConfig.thinkingConfig.thinkingBudget',
    ],
  ])(
    'refuses %s, which the Interactions API has no field for, instead of dropping it',
    (_, config, field) => {
      expect(() => translate({ contents: 'Hi', generationConfig: config })).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', argument: `request.${field}` }),
      );
    },
  );

  it('sends a failed call back with is_error, and a signature-only part as its thought', () => {
    const body = translate({
      contents: [
        { role: 'user', parts: [{ text: 'Go' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { id: 'c1', name: 'f', args: {} } },
            { functionCall: { id: 'c2', name: 'f', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'c1', name: 'f', response: { error: 'Tool f failed.' } } },
            { functionResponse: { id: 'c2', name: 'f', response: { output: 1 } } },
          ],
        },
        { role: 'model', parts: [{ text: 'Done.' }, { thoughtSignature: 'c2ln' }] },
      ],
    });
    const steps = body.input as Record<string, unknown>[];
    expect(steps.filter((step) => step['type'] === 'function_result')).toEqual([
      {
        type: 'function_result',
        call_id: 'c1',
        name: 'f',
        is_error: true,
        result: { error: 'Tool f failed.' },
      },
      { type: 'function_result', call_id: 'c2', name: 'f', result: { output: 1 } },
    ]);
    expect(steps.slice(-2)).toEqual([
      { type: 'thought', signature: 'c2ln' },
      { type: 'model_output', content: [{ type: 'text', text: 'Done.' }] },
    ]);
  });

  it("sends a text or image part's own signature as the thought step before it, and back", () => {
    // A history kept from generateContent on Gemini 3: the turn's signature on its last text part
    // (or on an empty text part, as a stream ends), an image model's on its image. The
    // Interactions API's model_output has no signature field; the signature was dropped.
    const user = (text: string) => ({ role: 'user' as const, parts: [{ text }] });
    const contents = [
      user('Hi'),
      { role: 'model' as const, parts: [{ text: 'Hello.', thoughtSignature: 'c2lnLTE=' }] },
      user('Draw it'),
      {
        role: 'model' as const,
        parts: [
          { text: 'Here:' },
          { inlineData: { mimeType: 'image/png', data: PNG }, thoughtSignature: 'c2lnLTI=' },
          { text: '', thoughtSignature: 'c2lnLTM=' },
        ],
      },
      user('Thanks'),
    ];
    const steps = translate({ contents }).input as Record<string, unknown>[];
    expect(steps).toEqual([
      { type: 'user_input', content: [{ type: 'text', text: 'Hi' }] },
      { type: 'thought', signature: 'c2lnLTE=' },
      { type: 'model_output', content: [{ type: 'text', text: 'Hello.' }] },
      { type: 'user_input', content: [{ type: 'text', text: 'Draw it' }] },
      // Before the turn's output, as the API lists a thought before what it led to.
      { type: 'thought', signature: 'c2lnLTI=' },
      { type: 'thought', signature: 'c2lnLTM=' },
      {
        type: 'model_output',
        content: [
          { type: 'text', text: 'Here:' },
          { type: 'image', data: PNG, mime_type: 'image/png' },
        ],
      },
      { type: 'user_input', content: [{ type: 'text', text: 'Thanks' }] },
    ]);
    // Back: the first turn's steps, answered so, are parts that keep the signature (a thought
    // part before the text), and the history with that turn sent again is the same steps.
    const answered = steps
      .slice(1, 3)
      .flatMap((step) => interactionStepParts(step, createInteractionGrounding()));
    expect(answered).toEqual([
      { thought: true, text: '', thoughtSignature: 'c2lnLTE=' },
      { text: 'Hello.' },
    ]);
    const again = translate({
      contents: [contents[0]!, { role: 'model', parts: answered }, ...contents.slice(2)],
    }).input;
    expect(again).toEqual(steps);
  });

  it('reads back the images and other media a model_output holds, and sends them again as the same steps', () => {
    // Gemini 3 Pro Image on the Interactions API answers its image as a `model_output` content
    // item `{ type: 'image', data, mime_type }` (`@google/genai` 2.32.0 `ImageContent`), or with a
    // `uri`; the reasoning's signature on the thought step before it. Only the text was kept.
    const answer = [
      { type: 'thought', signature: 'c2lnLTE=' },
      {
        type: 'model_output',
        content: [
          { type: 'text', text: 'Here it is:' },
          { type: 'image', data: PNG, mime_type: 'image/png' },
          { type: 'image', uri: 'https://example.com/cat.webp', mime_type: 'image/webp' },
          { type: 'audio', data: 'UklGRg==', mime_type: 'audio/wav' },
          { type: 'video', uri: 'https://example.com/cat.mp4', mime_type: 'video/mp4' },
          { type: 'document', data: 'JVBERi0=', mime_type: 'application/pdf' },
          // A kind this code does not know, with the fields a part can hold: kept as well.
          { type: 'hologram', data: 'aG9sbw==', mime_type: 'model/gltf-binary' },
        ],
      },
    ];
    const parts = answer.flatMap((step) =>
      interactionStepParts(step, createInteractionGrounding()),
    );
    expect(parts).toEqual([
      { thought: true, text: '', thoughtSignature: 'c2lnLTE=' },
      { text: 'Here it is:' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { fileData: { mimeType: 'video/mp4', fileUri: 'https://example.com/cat.mp4' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { inlineData: { mimeType: 'model/gltf-binary', data: 'aG9sbw==' } },
    ]);
    const input = translate({
      contents: [
        { role: 'user', parts: [{ text: 'Draw a cat' }] },
        { role: 'model', parts },
        { role: 'user', parts: [{ text: 'Thanks' }] },
      ],
    }).input as Record<string, unknown>[];
    // The unknown kind goes back by its MIME type's kind (`document`), with its bytes.
    const known = answer[1]!.content!.slice(0, 6);
    expect(input.slice(1, 3)).toEqual([
      answer[0],
      {
        type: 'model_output',
        content: [...known, { type: 'document', data: 'aG9sbw==', mime_type: 'model/gltf-binary' }],
      },
    ]);
  });
});
