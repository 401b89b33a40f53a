import { describe, expect, it } from 'vitest';
import {
  readDefaultLiteral,
  readDocumentedDefaults,
} from '../../../options/__fixtures__/documented-defaults.ts';
import { CONTINUATION_DEFAULTS, resolveContinuation } from '../../../run/continuation-options.ts';
import { createScriptedGemini } from '../../__fixtures__/scripted-gemini.ts';
import { agentOptionGroups } from '../agent-options-declaration.ts';
import { resolveAgentConfig } from '../resolve-agent-config.ts';

// Each group declares its defaults once (options/<group>.ts, `defaults`) and reads them through
// `withDefaults`. What is checked here is generated from the two places a user meets a default:
// the TSDoc `@defaultValue` on hover, read from the source, and what an agent made without the
// option runs with. Neither list is written by hand.

const declared = agentOptionGroups.flatMap((group) =>
  Object.entries(group.defaults as Readonly<Record<string, unknown>>),
);
const documented = readDocumentedDefaults(
  new URL('../agent-options.ts', import.meta.url),
  'AgentOptions',
);

/** How to read an option's effect where it is not a field of the config under its name. */
const resolvedElsewhere: Readonly<Record<string, (config: unknown) => unknown>> = {
  // No second request for streamed steps: the unary one is used.
  streamFunctionCallArguments: (config) => (config as { streamRequest?: unknown }).streamRequest,
  // On: resolved to the settings with their own defaults.
  continuation: (config) => (config as { continuation: unknown }).continuation,
  // The client's own model-call entry.
  api: (config) => (config as { modelCall: unknown }).modelCall,
};

describe('the declared defaults of createAgent', () => {
  it('reads the TSDoc of AgentOptions (the reader is not blind)', () => {
    expect(documented.size).toBeGreaterThan(declared.length);
    expect(declared.length).toBeGreaterThan(5);
  });

  it.each(declared)("match the @defaultValue of %s's TSDoc", (key, value) => {
    const tag = documented.get(key);
    expect(tag, `${key} has a default but its TSDoc states none`).toBeDefined();
    expect(tag?.value, `${key}: @defaultValue ${tag?.text}`).toEqual({ literal: value });
  });

  it('leave no documented value undeclared (a @defaultValue the code does not apply)', () => {
    const declaredKeys = new Set(declared.map(([key]) => key));
    const documentedOnly = [...documented]
      .filter(([key, tag]) => tag.value !== 'prose' && !declaredKeys.has(key))
      .map(([key, tag]) => `${key}: ${tag.text}`);
    expect(documentedOnly).toEqual([]);
  });

  it.each(declared)('apply to a left-out %s, as if given', (key, value) => {
    const gemini = createScriptedGemini([]);
    const make = (given: object) =>
      resolveAgentConfig({ gemini, model: 'gemini-3-flash-preview', ...given });
    const read =
      resolvedElsewhere[key] ?? ((config: unknown) => (config as Record<string, unknown>)[key]);
    const explicit = read(make({ [key]: value }));
    if (resolvedElsewhere[key] === undefined) expect(explicit).toBe(value);
    expect(read(make({}))).toEqual(explicit);
    expect(read(make({ [key]: undefined }))).toEqual(explicit);
  });
});

describe('the declared defaults of the continuation option', () => {
  const continuationDocs = readDocumentedDefaults(
    new URL('../../../run/continuation-options.ts', import.meta.url),
    'ContinuationOptions',
  );

  it.each(Object.entries(CONTINUATION_DEFAULTS))(
    "match the @defaultValue of %s's TSDoc",
    (key, value) => {
      expect(continuationDocs.get(key)?.value).toEqual({ literal: value });
    },
  );

  it('apply to a left-out field, and to true and undefined', () => {
    expect(resolveContinuation({ maxHops: 5, maxReconnects: undefined })).toEqual({
      ...CONTINUATION_DEFAULTS,
      maxHops: 5,
    });
    expect(resolveContinuation(true)).toEqual(CONTINUATION_DEFAULTS);
    expect(resolveContinuation(undefined)).toEqual(CONTINUATION_DEFAULTS);
    expect(resolveContinuation(false)).toEqual({ ...CONTINUATION_DEFAULTS, enabled: false });
  });
});

describe('readDefaultLiteral', () => {
  it.each([
    ['10', 10],
    ['120000 (`DEFAULT_TOOL_TIMEOUT_MS`, the timeout)', 120_000],
    ["'as-ready'", 'as-ready'],
    ["`'generateContent'`", 'generateContent'],
    ['false', false],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['Date.now', Date.now],
  ])('reads %s as a value', (text, value) => {
    expect(readDefaultLiteral(text)).toEqual({ literal: value });
  });

  it.each(['none', 'off', "gemloop's table", 'silent', 'a cap of 25,000 tokens'])(
    'reads %s as prose',
    (text) => {
      expect(readDefaultLiteral(text)).toBe('prose');
    },
  );
});
