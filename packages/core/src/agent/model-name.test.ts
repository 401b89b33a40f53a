import { createFakeGemini, type FakeModels, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createAgent } from './create-agent.ts';
import { ModelCallError } from './errors/model-call-error.ts';

// The model name is checked when the agent is made; the fake, by default, serves only the
// models of gemloop's table, so a test passes only with a name production accepts.

function fakeClient(models?: FakeModels) {
  const fake = createFakeGemini({ script: () => turn.text('ok'), ...(models && { models }) });
  return {
    fake,
    gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
  };
}

describe('createAgent model names', () => {
  it('refuses a display name when the agent is made, naming the nearest known model', () => {
    const { fake, gemini } = fakeClient();
    let error: unknown;
    try {
      createAgent({ gemini, model: 'Gemini 3 Flash' });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('model');
    expect((error as Error).message).toContain("Did you mean 'gemini-3-flash-preview'?");
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses capital letters unless capabilities vouch for a gateway alias', async () => {
    const { gemini } = fakeClient(['Corp-Flash']);
    expect(() => createAgent({ gemini, model: 'Gemini-2.5-Flash' })).toThrow(
      /lowercase\. Did you mean 'gemini-2\.5-flash'\?/,
    );
    const agent = createAgent({ gemini, model: 'Corp-Flash', capabilities: { generation: 2.5 } });
    expect((await agent.run('Hi')).text).toBe('ok');
  });

  it('takes a well-formed unknown id, which the default fake refuses as the API would', async () => {
    const { gemini } = fakeClient();
    const agent = createAgent({ gemini, model: 'gemini-9-pro' });
    const error = await agent.run('Hi').catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(error)).toBe(true);
    expect(String((error as ModelCallError).cause)).toContain('models/gemini-9-pro is not found');
  });

  it('runs an unknown Gemini-shaped id against a fake opted into the name pattern', async () => {
    const { gemini } = fakeClient('pattern');
    const agent = createAgent({ gemini, model: 'gemini-9-pro' });
    expect((await agent.run('Hi')).text).toBe('ok');
  });

  it('runs every model of the table against the default fake', async () => {
    const { gemini } = fakeClient();
    const { knownModels } = await import('../models/known-models.ts');
    for (const { name } of knownModels) {
      expect((await createAgent({ gemini, model: name }).run('Hi')).text).toBe('ok');
    }
  });
});
