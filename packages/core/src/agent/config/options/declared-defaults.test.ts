import { describe, expect, it } from 'vitest';
import { createScriptedGemini } from '../../__fixtures__/scripted-gemini.ts';
import { agentOptionGroups } from '../agent-options-declaration.ts';
import { resolveAgentConfig } from '../resolve-agent-config.ts';
import type { AgentOptionDeclaration, AgentOptionKey } from './define-agent-options.ts';

// Each option's default is declared beside its check (options/<group>.ts); the resolution of its
// group applies it. This keeps the two from drifting: what an agent made without the option
// runs with is the declared default.

/** Options whose default is not a field of the resolved config under the option's name. */
const resolvedElsewhere: Readonly<Partial<Record<AgentOptionKey, (config: unknown) => unknown>>> = {
  // No second request for streamed steps: the unary one is used.
  streamFunctionCallArguments: (config) =>
    (config as { streamRequest?: unknown }).streamRequest !== undefined,
  // `true` (on): resolved to the settings with their own defaults (continuation-options.ts).
  continuation: (config) => (config as { continuation: { enabled: boolean } }).continuation.enabled,
};

describe('the declared defaults of createAgent', () => {
  const config = resolveAgentConfig({
    gemini: createScriptedGemini([]),
    model: 'gemini-3-flash-preview',
  });
  const declared = agentOptionGroups.flatMap((group) =>
    Object.entries(group.declarations as Record<string, AgentOptionDeclaration<AgentOptionKey>>)
      .filter(([, declaration]) => declaration.default !== undefined)
      .map(([key, declaration]) => [key as AgentOptionKey, declaration.default] as const),
  );

  it('declares the documented ones', () => {
    expect(Object.fromEntries(declared)).toEqual({
      maxSteps: 10,
      maxReasks: 2,
      continuation: true,
      now: Date.now,
      toolConcurrency: 8,
      toolCallOrder: 'as-ready',
      toolTimeoutMs: 120_000,
      toolErrors: 'report',
      streamFunctionCallArguments: false,
    });
  });

  it.each(declared)('resolves a left-out %s to its declared default', (key, value) => {
    const read = resolvedElsewhere[key];
    const resolved =
      read === undefined ? (config as unknown as Record<string, unknown>)[key] : read(config);
    expect(resolved).toBe(value);
  });
});
