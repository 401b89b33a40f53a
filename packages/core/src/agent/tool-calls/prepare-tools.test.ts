import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { googleSearch } from '../../tools/builtin/built-in-tools.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';

// The agent's tools as the model sees them (declarations) and as the loop finds them (by the
// name the model calls): names that are also names of Object.prototype's members are tools like
// any other, and a list that is not one is refused by where it is wrong.

const MODEL = 'gemini-2.5-flash';

const named = (name: string, seen: string[] = []) =>
  defineTool({
    name,
    description: `The ${name} tool.`,
    parameters: z.object({}),
    execute: () => {
      seen.push(name);
      return { from: name };
    },
  });

function refusal(tools: unknown): InvalidArgumentError {
  let thrown: unknown;
  try {
    createAgent({ gemini: createScriptedGemini([]), model: MODEL, tools: tools as never });
  } catch (error) {
    thrown = error;
  }
  expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
  return thrown as InvalidArgumentError;
}

describe.each(RUN_MODES)('tools whose names are members of every object (%s)', (mode) => {
  it('declares and runs tools named __proto__, constructor and toString, each as itself', async () => {
    const seen: string[] = [];
    const tools = ['__proto__', 'constructor', 'toString'].map((name) => named(name, seen));
    const gemini = createScriptedGemini([
      callsTurn(['__proto__', {}, 'c1'], ['constructor', {}, 'c2'], ['toString', {}, 'c3']),
      textTurn('Done.'),
    ]);
    const { result } = await runBothWays(mode, createAgent({ gemini, model: MODEL, tools }), 'Go.');
    expect(seen).toEqual(['__proto__', 'constructor', 'toString']);
    const declared = gemini.calls[0]?.request.tools?.flatMap(
      (tool) => tool.functionDeclarations ?? [],
    );
    expect(declared?.map((declaration) => declaration.name)).toEqual([
      '__proto__',
      'constructor',
      'toString',
    ]);
    expect(result.steps[0]?.toolCalls.map((call) => call.output)).toEqual([
      { from: '__proto__' },
      { from: 'constructor' },
      { from: 'toString' },
    ]);
  });

  it('answers a call to hasOwnProperty as an unknown function when no tool has that name', async () => {
    const gemini = createScriptedGemini([callsTurn(['hasOwnProperty', {}, 'c1']), textTurn('Ok.')]);
    const { result } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, tools: [named('search')] }),
      'Go.',
    );
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('unknown-tool');
  });
});

describe('the tools option', () => {
  it('refuses two tools of one name, naming both places', () => {
    const error = refusal([named('search'), named('fetch'), named('search')]);
    expect(error.argument).toBe('tools[2]');
    expect(error.message).toContain('tools[0]');
  });

  it('refuses a built-in listed twice', () => {
    const error = refusal([googleSearch(), named('fetch'), googleSearch()]);
    expect(error.argument).toBe('tools[2]');
    expect(error.message).toContain('list each built-in once');
  });

  it.each([
    ['null', [null]],
    ['a string', ['search']],
    ['a plain function', [() => 'x']],
    ['an object that only looks like a tool', [{ name: 'search', execute: () => 'x' }]],
  ])('refuses %s in the list, naming its place', (_, tools) => {
    expect(refusal(tools).argument).toBe('tools[0]');
  });

  it.each([
    ['a Set', new Set([named('search')])],
    ['a single tool', named('search')],
    ['a string', 'search'],
  ])('refuses %s instead of a list', (_, tools) => {
    expect(refusal(tools).argument).toBe('tools');
  });

  it('refuses a copy of a tool under another name, whose declaration the model would call by the old one', () => {
    const tool = named('search');
    expect(() => {
      (tool as { name: string }).name = 'lookup';
    }).toThrow(TypeError);
    const error = refusal([{ ...tool, name: 'lookup' }]);
    expect(error.argument).toBe('tools[0].declaration.name');
    expect(error.message).toContain("declares 'search'");
  });

  it('takes an empty list as no tools: nothing declared', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    await createAgent({ gemini, model: MODEL, tools: [] }).run('Hi');
    expect(gemini.calls[0]?.request.tools).toBeUndefined();
  });
});
