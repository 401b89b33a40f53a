import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { noisySupportModels, supportAgent, supportCases } from './__fixtures__/support-agent.ts';
import { runEval } from './run-eval.ts';

describe('runEval({ model })', () => {
  it('builds each agent on context.model, and makes an attempt whose agent runs another model an error', async () => {
    const { fake, gemini } = noisySupportModels(() => ({ lookup: 0, email: 0 }));
    await using _fake = fake;
    const seen: (string | undefined)[] = [];
    const result = await runEval({
      cases: supportCases(1),
      scorers: [],
      mode: 'live',
      live: { gemini },
      model: 'gemini-2.5-pro',
      createAgent: ({ gemini: client, model }) => {
        seen.push(model);
        return supportAgent(client, model ?? 'gemini-2.5-flash');
      },
    });
    expect(seen).toEqual(['gemini-2.5-pro']);
    expect(result.attempts[0]?.status).toBe('pass');
    expect(
      fake.modelRequests.every((request) => request.url.includes('models/gemini-2.5-pro:')),
    ).toBe(true);
    const ignored = await runEval({
      cases: supportCases(1),
      scorers: [],
      mode: 'live',
      live: { gemini },
      model: 'gemini-2.5-pro',
      createAgent: ({ gemini: client }) => supportAgent(client, 'gemini-2.5-flash'),
    });
    expect(ignored.attempts[0]).toMatchObject({
      status: 'error',
      error: {
        name: 'InvalidArgumentError',
        message: expect.stringContaining('build the agent on context.model'),
      },
    });
  });

  it('refuses an empty model, and a model in batch mode (the batch names its own)', async () => {
    const createAgent = ({ gemini }: { gemini: Parameters<typeof supportAgent>[0] }) =>
      supportAgent(gemini, 'x');
    await expect(
      runEval({ cases: supportCases(1), scorers: [], model: '', createAgent }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      runEval({
        cases: supportCases(1),
        scorers: [],
        mode: 'batch',
        model: 'gemini-2.5-pro',
        batch: { model: 'gemini-2.5-flash' },
      }),
    ).rejects.toThrow("mode 'batch' runs the model of batch: { model }");
  });
});
