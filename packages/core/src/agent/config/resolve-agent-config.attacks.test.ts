import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { codeExecution, googleSearch, urlContext } from '../../tools/builtin/built-in-tools.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { createAgent } from '../create-agent.ts';
import { fallbackToolName } from '../tool-calls/builtin-fallback-tool.ts';

// Every option passed on to requests gets garbage: each must fail at createAgent, naming itself,
// instead of a 400 (or a ModelCallError) in the first run.

const gemini = createGemini({
  apiKey: 'test-key',
  fetch: () => Promise.reject(new Error('no request expected')),
});

const cases: [option: string, value: unknown, argument: string][] = [
  ['capabilities', [], 'capabilities'],
  ['safetySettings', [5], 'safetySettings'],
  ['safetySettings', { category: 'x' }, 'safetySettings'],
  ['cachedContent', 5, 'cachedContent'],
  ['cachedContent', '', 'cachedContent'],
  ['serviceTier', {}, 'serviceTier'],
  ['retrievalConfig', 'Paris', 'retrievalConfig'],
  ['retrievalConfig', { latLng: { latitude: 95, longitude: 0 } }, 'retrievalConfig.latLng'],
  ['retrievalConfig', { latLng: { latitude: '48.8', longitude: 2.3 } }, 'retrievalConfig.latLng'],
  ['retrievalConfig', { languageCode: 5 }, 'retrievalConfig.languageCode'],
  ['callOptions', 'fast', 'callOptions'],
  ['callOptions', { timeoutMs: -1 }, 'callOptions.timeoutMs'],
  ['callOptions', { retry: { maxRetries: -1 } }, 'callOptions.retry.maxRetries'],
  ['callOptions', { headers: { 'x-a': 5 } }, 'callOptions.headers.x-a'],
  ['callOptions', { signal: new AbortController().signal }, 'callOptions.signal'],
  ['callOptions', { timeout: 5 }, 'callOptions.timeout'],
];

describe('createAgent rejects garbage in request options', () => {
  for (const [option, value, argument] of cases) {
    it(`names ${argument} for ${option} = ${JSON.stringify(value)}`, () => {
      const make = () => createAgent({ gemini, model: 'gemini-2.5-flash', [option]: value });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument }));
    });
  }

  it('still takes good values of each', () => {
    expect(() =>
      createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        capabilities: { generation: 2.5 },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
        cachedContent: 'cachedContents/abc',
        serviceTier: 'flex',
        retrievalConfig: { latLng: { latitude: 48.8, longitude: 2.3 }, languageCode: 'fr' },
        callOptions: { timeoutMs: 60_000, retry: { maxRetries: 1 }, headers: { 'x-team': 'a' } },
      }),
    ).not.toThrow();
  });
});

describe('createAgent with tools that clash', () => {
  for (const builtin of [googleSearch(), urlContext(), codeExecution()]) {
    const name = fallbackToolName(builtin.type);
    it(`names a function tool called ${name} next to ${builtin.type} on a model that needs the fallback`, () => {
      const own = defineTool({ name, execute: () => ({}) });
      const make = () => createAgent({ gemini, model: 'gemini-2.5-flash', tools: [own, builtin] });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument: 'tools[0]' }));
      expect(make).toThrow(new RegExp(`'${name}'.*Rename it`));
      // Gemini 3 sends the built-in natively: no clash.
      expect(() =>
        createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [own, builtin] }),
      ).not.toThrow();
    });
  }

  it('names a built-in listed twice and a function listed twice', () => {
    expect(() =>
      createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [googleSearch(), googleSearch()],
      }),
    ).toThrow(/second googleSearch/);
    const tool = defineTool({ name: 'twice', execute: () => ({}) });
    expect(() => createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool, tool] })).toThrow(
      /both named 'twice'/,
    );
  });
});
