import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../create-agent.ts';
import type { ToolChoice } from '../agent-options.ts';

// `toolChoice` from a config file or a form: any value gets a typed error that names where it
// is wrong, at createAgent, and what is sent is a copy the app cannot change afterwards.

const search = defineTool({
  name: 'search',
  description: 'Searches.',
  parameters: z.object({ q: z.string() }),
  execute: () => 'found',
});
const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Fetches.',
  parameters: z.object({ url: z.string() }),
  execute: () => 'page',
});

function refusal(toolChoice: unknown): InvalidArgumentError {
  let thrown: unknown;
  try {
    createAgent({
      gemini: createScriptedGemini([]),
      model: 'gemini-2.5-flash',
      tools: [search, fetchPage],
      toolChoice: toolChoice as ToolChoice,
    });
  } catch (error) {
    thrown = error;
  }
  expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
  return thrown as InvalidArgumentError;
}

const cyclic: Record<string, unknown> = {};
cyclic['self'] = cyclic;

describe('toolChoice', () => {
  it.each([
    ['a bigint', 1n, 'toolChoice'],
    ['a symbol', Symbol('ANY'), 'toolChoice'],
    ['a function', () => 'ANY', 'toolChoice'],
    ['a lower-case mode', 'any', 'toolChoice'],
    ['a cyclic mode', { mode: cyclic, allowedFunctionNames: ['search'] }, 'toolChoice.mode'],
    ['a bigint mode', { mode: 2n, allowedFunctionNames: ['search'] }, 'toolChoice.mode'],
    [
      'names that are not a list',
      { mode: 'ANY', allowedFunctionNames: 'search' },
      'toolChoice.allowedFunctionNames',
    ],
    [
      'a name that is a bigint',
      { mode: 'ANY', allowedFunctionNames: [3n] },
      'toolChoice.allowedFunctionNames[0]',
    ],
    [
      'a name that is an object',
      { mode: 'ANY', allowedFunctionNames: ['search', { name: 'x' }] },
      'toolChoice.allowedFunctionNames[1]',
    ],
  ])('refuses %s with a typed error naming where it is wrong', (_, value, argument) => {
    expect(refusal(value).argument).toBe(argument);
  });

  it('keeps the message short for a huge wrong value', () => {
    const error = refusal('A'.repeat(1_000_000));
    expect(error.message.length).toBeLessThan(400);
  });

  it('sends a copy of the allowed names: changing the app’s array later changes no request', async () => {
    const allowed = ['search'];
    const gemini = createScriptedGemini([textTurn('ok'), textTurn('ok')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [search, fetchPage],
      toolChoice: { mode: 'ANY', allowedFunctionNames: allowed },
    });
    allowed.push('not_a_tool');
    allowed[0] = 'fetch_page';
    await agent.run('Find.');
    expect(gemini.calls[0]?.request.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['search'] },
    });
  });

  it.each<[ToolChoice, object]>([
    ['AUTO', { mode: 'AUTO' }],
    ['NONE', { mode: 'NONE' }],
    ['VALIDATED', { mode: 'VALIDATED' }],
    [
      { mode: 'VALIDATED', allowedFunctionNames: ['fetch_page'] },
      { mode: 'VALIDATED', allowedFunctionNames: ['fetch_page'] },
    ],
  ])('sends %j as functionCallingConfig %j', async (toolChoice, expected) => {
    const gemini = createScriptedGemini([textTurn('ok')]);
    await createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [search, fetchPage],
      toolChoice,
    }).run('Go.');
    expect(gemini.calls[0]?.request.toolConfig?.functionCallingConfig).toEqual(expected);
  });

  it('takes NONE on an agent without tools, and VALIDATED on a model the table does not know', () => {
    expect(() =>
      createAgent({
        gemini: createScriptedGemini([]),
        model: 'gemini-2.5-flash',
        toolChoice: 'NONE',
      }),
    ).not.toThrow();
    expect(() =>
      createAgent({
        gemini: createScriptedGemini([]),
        model: 'tunedModels/my-model-42',
        tools: [search],
        toolChoice: 'VALIDATED',
      }),
    ).not.toThrow();
  });
});
