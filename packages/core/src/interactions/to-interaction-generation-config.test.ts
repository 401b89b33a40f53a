import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import { toInteractionGenerationConfig } from './to-interaction-generation-config.ts';

// A generateContent request's settings as the Interactions API's `generation_config`: every
// setting is carried or refused by name, never dropped (a dropped setting answers with other
// settings than the ones asked for).

const request = (fields: Record<string, unknown>) =>
  ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], ...fields }) as GenerateContentRequest;
const config = (generationConfig: Record<string, unknown>) =>
  toInteractionGenerationConfig(request({ generationConfig }));
const toolChoice = (functionCallingConfig: Record<string, unknown>) =>
  toInteractionGenerationConfig(request({ toolConfig: { functionCallingConfig } }))?.[
    'tool_choice'
  ];

function refusal(action: () => unknown): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('toInteractionGenerationConfig', () => {
  it('is undefined when nothing is set, or only undefined fields and translated-elsewhere ones', () => {
    expect(toInteractionGenerationConfig(request({}))).toBeUndefined();
    expect(config({ temperature: undefined, topK: undefined })).toBeUndefined();
    expect(
      config({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } }),
    ).toBeUndefined();
  });

  it('renames the sampling settings to snake_case, values untouched (0 included)', () => {
    expect(
      config({
        temperature: 0,
        topP: 0.95,
        maxOutputTokens: 1024,
        seed: 7,
        stopSequences: ['END'],
      }),
    ).toEqual({
      temperature: 0,
      top_p: 0.95,
      max_output_tokens: 1024,
      seed: 7,
      stop_sequences: ['END'],
    });
  });

  it('refuses each generateContent setting it has no field for, naming it', () => {
    for (const key of [
      'topK',
      'presencePenalty',
      'frequencyPenalty',
      'candidateCount',
      'responseLogprobs',
      'mediaResolution',
      'speechConfig',
    ]) {
      const error = refusal(() => config({ [key]: 1 }));
      expect(error.argument).toBe(`request.generationConfig.${key}`);
      expect(error.message).toContain(`no setting for generationConfig.${key}`);
    }
  });

  it('reads the thinking level in lower case and leaves the unspecified level out', () => {
    expect(config({ thinkingConfig: { thinkingLevel: 'HIGH' } })).toEqual({
      thinking_level: 'high',
    });
    expect(
      config({ thinkingConfig: { thinkingLevel: 'THINKING_LEVEL_UNSPECIFIED' } }),
    ).toBeUndefined();
    expect(config({ thinkingConfig: null })).toBeUndefined();
    expect(config({ thinkingConfig: { includeThoughts: 'yes' } })).toBeUndefined();
  });

  it('refuses a thinking budget, pointing at the thinking level', () => {
    const error = refusal(() => config({ thinkingConfig: { thinkingBudget: 0 } }));
    expect(error.argument).toBe('request.generationConfig.thinkingConfig.thinkingBudget');
    expect(error.message).toContain(
      "set thinkingConfig.thinkingLevel ('minimal', 'low', 'medium' or 'high') instead",
    );
  });

  it('writes the image settings it knows in snake_case', () => {
    expect(config({ imageConfig: { aspectRatio: '16:9', imageSize: '2K' } })).toEqual({
      image_config: { aspect_ratio: '16:9', image_size: '2K' },
    });
    expect(config({ imageConfig: { aspectRatio: '1:1' } })).toEqual({
      image_config: { aspect_ratio: '1:1' },
    });
  });

  it('turns each function-calling mode into its tool_choice', () => {
    expect(toolChoice({ mode: 'AUTO' })).toBe('auto');
    expect(toolChoice({ mode: 'ANY' })).toBe('any');
    expect(toolChoice({ mode: 'NONE' })).toBe('none');
    expect(toolChoice({ mode: 'VALIDATED' })).toBe('validated');
    expect(toolChoice({ mode: 'MODE_UNSPECIFIED' })).toBeUndefined();
    expect(toolChoice({})).toBeUndefined();
  });

  it('names the allowed functions, with the mode when there is one', () => {
    expect(toolChoice({ mode: 'ANY', allowedFunctionNames: ['a', 'b'] })).toEqual({
      allowed_tools: { mode: 'any', tools: ['a', 'b'] },
    });
    expect(toolChoice({ allowedFunctionNames: ['a'] })).toEqual({
      allowed_tools: { tools: ['a'] },
    });
    expect(toolChoice({ mode: 'AUTO', allowedFunctionNames: [] })).toBe('auto');
  });

  it('refuses a mode it does not know, lower case and Object.prototype names included', () => {
    for (const mode of [
      'auto',
      'REQUIRED',
      'toString',
      'constructor',
      '__proto__',
      'hasOwnProperty',
    ]) {
      const error = refusal(() => toolChoice({ mode }));
      expect(error.argument, mode).toBe('request.toolConfig.functionCallingConfig.mode');
      expect(error.message).toContain(JSON.stringify(mode));
    }
  });

  it('sends a tool_choice beside the sampling settings in one object', () => {
    const generation = toInteractionGenerationConfig(
      request({
        generationConfig: { temperature: 1 },
        toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      }),
    );
    expect(generation).toEqual({ temperature: 1, tool_choice: 'none' });
  });
});
