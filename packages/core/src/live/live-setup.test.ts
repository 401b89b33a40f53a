import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentOptions } from '../agent/config/agent-options.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import {
  behaviorOf,
  buildLiveSetup,
  DEFAULT_LIVE_CONTEXT_WINDOW,
  type LiveSetupOptions,
  liveHistoryTurns,
} from './live-setup.ts';

// The `setup` message a live session opens with, built from the agent and the session's
// options, and the initial history Live takes (text only).

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: () => 'ok',
});

const agent = (fields: Partial<AgentOptions<unknown>> = {}) =>
  ({ model: 'gemini-live-2.5-flash-preview', ...fields }) as AgentOptions<unknown>;

const options = (fields: Partial<LiveSetupOptions> = {}): LiveSetupOptions => ({
  model: 'gemini-live-2.5-flash-preview',
  modality: 'text',
  transcripts: true,
  speechConfig: undefined,
  realtimeInputConfig: undefined,
  contextWindowTokens: undefined,
  contextWindowCompression: undefined,
  toolBehavior: undefined,
  history: false,
  ...fields,
});

const setupOf = (
  agentFields: Partial<AgentOptions<unknown>>,
  fields: Partial<LiveSetupOptions> = {},
) => buildLiveSetup(agent(agentFields), options(fields))['setup'] as Record<string, unknown>;

describe('buildLiveSetup', () => {
  it('names the model under models/, once, and asks for text by default', () => {
    expect(setupOf({})['model']).toBe('models/gemini-live-2.5-flash-preview');
    expect(setupOf({}, { model: 'models/x' })['model']).toBe('models/x');
    expect(setupOf({})['generationConfig']).toEqual({ responseModalities: ['TEXT'] });
  });

  it('copies only the generation fields Live takes, and puts speech in generationConfig', () => {
    const setup = setupOf(
      {
        generationConfig: {
          temperature: 0.2,
          topK: 3,
          responseMimeType: 'application/json',
          candidateCount: 2,
        },
      },
      {
        modality: 'audio',
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
      },
    );
    expect(setup['generationConfig']).toEqual({
      temperature: 0.2,
      topK: 3,
      responseModalities: ['AUDIO'],
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
    });
  });

  it('asks for transcripts in audio sessions only, and not when turned off', () => {
    expect(setupOf({}, { modality: 'audio' })).toMatchObject({
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    });
    expect(
      setupOf({}, { modality: 'audio', transcripts: false })['inputAudioTranscription'],
    ).toBeUndefined();
    expect(setupOf({}, { modality: 'text' })['outputAudioTranscription']).toBeUndefined();
  });

  it('writes instructions as a system content, from a string, parts or a content', () => {
    expect(setupOf({ instructions: 'Be brief.' })['systemInstruction']).toEqual({
      parts: [{ text: 'Be brief.' }],
    });
    expect(setupOf({ instructions: [{ text: 'a' }] } as never)['systemInstruction']).toEqual({
      parts: [{ text: 'a' }],
    });
    const content = { parts: [{ text: 'c' }] };
    expect(setupOf({ instructions: content } as never)['systemInstruction']).toBe(content);
    expect(setupOf({})['systemInstruction']).toBeUndefined();
  });

  it('declares function tools with OpenAPI parameters, NON_BLOCKING where asked', () => {
    const setup = setupOf({ tools: [lookup] }, { toolBehavior: { lookup: 'NON_BLOCKING' } });
    const [declarations] = setup['tools'] as { functionDeclarations: Record<string, unknown>[] }[];
    const declaration = declarations?.functionDeclarations[0];
    expect(declaration?.['name']).toBe('lookup');
    expect(declaration?.['parametersJsonSchema']).toBeUndefined();
    expect(declaration?.['parameters']).toMatchObject({
      type: 'OBJECT',
      properties: { word: { type: 'STRING' } },
    });
    expect(declaration?.['behavior']).toBe('NON_BLOCKING');
    expect(setupOf({})['tools']).toBeUndefined();
  });

  it('refuses a toolBehavior that names no function tool, listing the ones there are', () => {
    expect(() =>
      setupOf({ tools: [lookup] }, { toolBehavior: { luokup: 'NON_BLOCKING' } }),
    ).toThrow(/toolBehavior names "luokup".*Name one of: lookup/);
    expect(() => setupOf({}, { toolBehavior: { x: 'BLOCKING' } })).toThrow(/\(none\)/);
  });

  it('turns on compression at 80% of the window, with int64 counts as strings', () => {
    expect(setupOf({}, { contextWindowTokens: 100_000 })['contextWindowCompression']).toEqual({
      triggerTokens: '80000',
      slidingWindow: {},
    });
    expect(setupOf({}, { model: 'unknown-live-model' })['contextWindowCompression']).toEqual({
      triggerTokens: String(Math.floor(DEFAULT_LIVE_CONTEXT_WINDOW * 0.8)),
      slidingWindow: {},
    });
  });

  it('takes explicit compression settings, and none when turned off', () => {
    expect(
      setupOf({}, { contextWindowCompression: { triggerTokens: 5000, targetTokens: 2000 } })[
        'contextWindowCompression'
      ],
    ).toEqual({ triggerTokens: '5000', slidingWindow: { targetTokens: '2000' } });
    expect(
      setupOf({}, { contextWindowCompression: false })['contextWindowCompression'],
    ).toBeUndefined();
  });

  it('always asks for resumption handles, without transparent, and history only when given', () => {
    expect(setupOf({})['sessionResumption']).toEqual({});
    expect(setupOf({})['historyConfig']).toBeUndefined();
    expect(setupOf({}, { history: true })['historyConfig']).toEqual({
      initialHistoryInClientContent: true,
    });
  });
});

describe('behaviorOf', () => {
  it("takes the session's override, else the tool's own behavior, else BLOCKING", () => {
    const background = defineTool({ ...lookupFields(), behavior: 'NON_BLOCKING' } as never);
    expect(behaviorOf(lookup, undefined)).toBe('BLOCKING');
    expect(behaviorOf(background as never, undefined)).toBe('NON_BLOCKING');
    expect(behaviorOf(background as never, { lookup: 'BLOCKING' })).toBe('BLOCKING');
    expect(behaviorOf(lookup, { other: 'NON_BLOCKING' })).toBe('BLOCKING');
  });

  it('reads no Object.prototype member for a tool named like one', () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty']) {
      const tool = defineTool({ ...lookupFields(), name, behavior: 'NON_BLOCKING' } as never);
      expect(behaviorOf(tool as never, {}), name).toBe('NON_BLOCKING');
    }
  });
});

describe('liveHistoryTurns', () => {
  it('keeps the text of user and model turns, dropping thoughts, calls, media and empty turns', () => {
    const history: Content[] = [
      {
        role: 'user',
        parts: [{ text: 'Hi' }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }],
      },
      {
        role: 'model',
        parts: [{ text: 'plan', thought: true }, { functionCall: { name: 'a', args: {} } }],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'a', response: {} } }] },
      { role: 'model', parts: [{ text: '' }, { text: 'Hello!' }] },
    ];
    expect(liveHistoryTurns(history)).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
    ]);
  });

  it('reads a content without a role as the user, and keeps the text exactly', () => {
    const text = 'émoji 😀 \ud83d';
    expect(liveHistoryTurns([{ parts: [{ text }] }])).toEqual([
      { role: 'user', parts: [{ text }] },
    ]);
  });

  it('drops a stored content without parts instead of throwing', () => {
    const history = [
      { role: 'model' },
      { role: 'user', parts: null },
      { role: 'user', parts: [{ text: 'ok' }] },
    ];
    expect(liveHistoryTurns(history as unknown as Content[])).toEqual([
      { role: 'user', parts: [{ text: 'ok' }] },
    ]);
  });
});

function lookupFields() {
  return {
    name: 'lookup',
    description: 'Looks a word up.',
    parameters: z.object({ word: z.string() }),
    execute: () => 'ok',
  };
}
