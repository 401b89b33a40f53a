import { describe, expect, it } from 'vitest';
import type { ToolExecuteContext } from '../tool.ts';
import { type ComputerUseObservation, computerUse } from './computer-use.ts';

// What an executor returns is the user's code: a `response` that is not an object is refused by
// name, never spread into `{ "0": "a", "1": "b" }` for the model to read.

const context = {} as ToolExecuteContext;

function handlerOf(observation: unknown) {
  const tool = computerUse({ execute: () => observation as ComputerUseObservation });
  const handler = tool.handlers.find((candidate) => candidate.name === 'click_at');
  if (handler === undefined) throw new Error('no click_at handler');
  return handler;
}

describe('computerUse() observations', () => {
  it.each([
    ['a string', 'clicked'],
    ['an array', ['clicked']],
    ['a number', 5],
  ])('refuses a response that is %s, naming it', async (_name, response) => {
    await expect(handlerOf({ response }).execute({ x: 1, y: 2 }, context)).rejects.toThrow(
      /response .*must be an object/,
    );
  });

  it('sends an object response with the url beside it', async () => {
    const result = await handlerOf({ response: { ok: true }, url: 'https://a/' }).execute(
      { x: 1, y: 2 },
      context,
    );
    expect(result.response).toEqual({ ok: true, url: 'https://a/' });
  });
});
