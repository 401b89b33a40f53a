import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { codeExecution, googleSearch, urlContext } from '../../tools/builtin/built-in-tools.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { createScriptedGemini } from '../__fixtures__/scripted-gemini.ts';
import type { AgentOptions } from './agent-options.ts';
import { resolveAgentConfig } from './resolve-agent-config.ts';

const gemini = createScriptedGemini([]);
const search = defineTool({
  name: 'search_docs',
  parameters: z.object({ q: z.string() }),
  execute: () => 'x',
});
const fetchPage = defineTool({
  name: 'fetch_page',
  parameters: z.object({ url: z.string() }),
  execute: () => 'x',
});

function invalidArgument(options: Record<string, unknown>): InvalidArgumentError {
  try {
    resolveAgentConfig({ gemini, model: 'gemini-2.5-flash', ...options } as AgentOptions);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('resolveAgentConfig', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      'duplicate tool names',
      { tools: [search, search] },
      'tools[1]',
      /tools\[1\] and tools\[0\] are both named 'search_docs'/,
    ],
    ['a non-tool', { tools: [{ name: 'x' }] }, 'tools[0]', /is not a tool/],
    [
      'an invalid tool name',
      { tools: [{ ...search, name: 'bad name', declaration: { name: 'bad name' } }] },
      'tools[0].name',
      /Gemini rejects/,
    ],
    [
      'a name that differs from the declaration',
      { tools: [{ ...search, name: 'other' }] },
      'tools[0].declaration.name',
      /must match/,
    ],
    [
      'the same built-in twice',
      { tools: [googleSearch(), googleSearch()] },
      'tools[1]',
      /second googleSearch/,
    ],
    ['maxSteps < 1', { maxSteps: 0 }, 'maxSteps', /integer of at least 1/],
    ['a fractional maxSteps', { maxSteps: 2.5 }, 'maxSteps', /integer/],
    ['a negative maxReasks', { maxReasks: -1 }, 'maxReasks', /at least 0/],
    ['a negative maxHandOffs', { maxHandOffs: -1 }, 'maxHandOffs', /at least 0/],
    ['a fractional maxHandOffs', { maxHandOffs: 1.5 }, 'maxHandOffs', /integer/],
    ['toolConcurrency 0', { toolConcurrency: 0 }, 'toolConcurrency', /at least 1/],
    ['a bad toolTimeoutMs', { toolTimeoutMs: -5 }, 'toolTimeoutMs', /positive number/],
    ['a bad toolErrors', { toolErrors: 'ignore' }, 'toolErrors', /'report' or 'throw'/],
    [
      'an unknown allowed function',
      { tools: [search], toolChoice: { mode: 'ANY', allowedFunctionNames: ['search'] } },
      'toolChoice.allowedFunctionNames[0]',
      /no tool declares\. Declared functions: search_docs/,
    ],
    [
      'allowed names with AUTO',
      { tools: [search], toolChoice: { mode: 'AUTO', allowedFunctionNames: ['search_docs'] } },
      'toolChoice.mode',
      /'ANY' or 'VALIDATED'/,
    ],
    [
      'an unknown mode',
      { tools: [search], toolChoice: 'required' },
      'toolChoice',
      /must be 'AUTO', 'ANY', 'NONE', 'VALIDATED'/,
    ],
    ['ANY without tools', { toolChoice: 'ANY' }, 'toolChoice', /no function tools/],
    [
      'VALIDATED on Gemini 2.0',
      { model: 'gemini-2.0-flash', tools: [search], toolChoice: 'VALIDATED' },
      'toolChoice',
      /no VALIDATED/,
    ],
    ['a stopWhen that is not a function', { stopWhen: [42] }, 'stopWhen', /stop condition/],
    [
      'candidateCount 2',
      { generationConfig: { candidateCount: 2 } },
      'generationConfig.candidateCount',
      /one candidate/,
    ],
    [
      'thinking twice',
      { thinking: 'low', generationConfig: { thinkingConfig: { thinkingBudget: 10 } } },
      'generationConfig.thinkingConfig',
      /not both/,
    ],
    [
      'a response schema next to output',
      {
        output: z.object({ a: z.string() }),
        generationConfig: { responseMimeType: 'application/json' },
      },
      'generationConfig.responseMimeType',
      /output sets/,
    ],
    [
      'an unknown option',
      { max_steps: 3 },
      'max_steps',
      /no option 'max_steps'\. Did you mean 'maxSteps'\?/,
    ],
    ['a missing client', { gemini: undefined }, 'gemini', /createGemini/],
    ['an empty model', { model: ' ' }, 'model', /model name/],
    ['a bad output schema', { output: { parse: () => 1 } }, 'output', /zod schema/],
    [
      'bad instructions',
      { instructions: 42 },
      'instructions',
      /string, a non-empty array of parts, or a Content/,
    ],
    [
      'a hook that is not a function',
      { beforeToolCall: 'yes' },
      'beforeToolCall',
      /must be a function/,
    ],
  ])('rejects %s, naming the option', (_label, options, argument, message) => {
    const error = invalidArgument(options);
    expect(error.argument).toBe(argument);
    expect(error.message).toMatch(message);
  });

  it('sends built-ins and functions together on Gemini 3, with server-side invocations on', () => {
    const config = resolveAgentConfig({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [googleSearch(), search],
    });
    expect(config.request.tools).toEqual([
      { googleSearch: {} },
      { functionDeclarations: [search.declaration] },
    ]);
    expect(config.request.toolConfig).toEqual({ includeServerSideToolInvocations: true });
    expect(config.tools.fallbacks).toEqual([]);
  });

  it('sends built-ins alone as they are on any model that has them', () => {
    const config = resolveAgentConfig({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [googleSearch(), urlContext()],
    });
    expect(config.request.tools).toEqual([{ googleSearch: {} }, { urlContext: {} }]);
    expect(config.request.toolConfig).toBeUndefined();
  });

  it('declares built-ins as function tools on Gemini 2.x when mixed with functions', () => {
    const config = resolveAgentConfig({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [googleSearch(), codeExecution(), search],
    });
    expect(config.tools.fallbacks).toEqual(['googleSearch', 'codeExecution']);
    const tools = config.request.tools ?? [];
    expect(tools).toHaveLength(1);
    expect(tools[0]?.functionDeclarations?.map((declaration) => declaration.name)).toEqual([
      'search_docs',
      'google_search',
      'code_execution',
    ]);
    expect(config.request.toolConfig).toBeUndefined();
  });

  it('rejects a function tool named like a built-in’s stand-in', () => {
    const clash = defineTool({
      name: 'google_search',
      parameters: z.object({ q: z.string() }),
      execute: () => '',
    });
    expect(invalidArgument({ tools: [googleSearch(), clash] }).message).toMatch(
      /already has that name/,
    );
  });

  it('maps toolChoice to functionCallingConfig, allowed names included', () => {
    const config = resolveAgentConfig({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [search, fetchPage],
      toolChoice: { mode: 'ANY', allowedFunctionNames: ['fetch_page'] },
    });
    expect(config.request.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['fetch_page'] },
    });
  });

  it('puts the output schema on every request when the model combines it with tools', () => {
    const config = resolveAgentConfig({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [search],
      output: z.object({ city: z.string() }),
    });
    expect(config.outputMode).toBe('inline');
    expect(config.request.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
    });
  });

  it('asks for the output in a last call without tools where the model cannot combine them', () => {
    const config = resolveAgentConfig({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [search],
      toolChoice: 'AUTO',
      thinking: 'low',
      output: z.object({ city: z.string() }),
    });
    expect(config.outputMode).toBe('final-call');
    expect(config.request.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024 } });
    expect(config.finalOutputRequest).toEqual({
      model: 'gemini-2.5-flash',
      generationConfig: {
        thinkingConfig: { thinkingBudget: 1024 },
        responseMimeType: 'application/json',
        responseJsonSchema: expect.objectContaining({ type: 'object' }),
      },
    });
  });

  it('takes model-capability overrides for models the table does not know', () => {
    const config = resolveAgentConfig({
      gemini,
      model: 'my-gateway-alias',
      tools: [googleSearch(), search],
      capabilities: { generation: 3, combinesBuiltinAndFunctionTools: true, thinking: 'level' },
      thinking: 'high',
    });
    expect(config.tools.combined).toBe(true);
    expect(config.request.generationConfig?.thinkingConfig).toEqual({ thinkingLevel: 'HIGH' });
  });
});
