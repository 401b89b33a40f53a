import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { AgentBackgroundError } from '../errors/interactions/agent-background-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createInteractions } from './create-interactions.ts';
import { createManagedAgents } from './create-managed-agents.ts';
import { createTriggers } from './create-triggers.ts';

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start() {
  fake = createFakeGemini({
    script: (_request, { lastUserText }) => turn.text(`digest of: ${lastUserText}`),
  });
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  return {
    triggers: createTriggers(gemini),
    agents: createManagedAgents(gemini),
    interactions: createInteractions(gemini),
  };
}

describe('triggers', () => {
  it('schedules an agent run, runs it, lists its executions with their interactions, and deletes it', async () => {
    const { triggers, agents, interactions } = await start();
    await agents.create({ id: 'news-digest', base_agent: 'antigravity-preview-05-2026' });
    const daily = await triggers.create({
      interaction: { agent: 'news-digest', input: 'Summarise yesterday' },
      schedule: '0 7 * * 1-5',
      time_zone: 'Europe/Oslo',
      display_name: 'weekday digest',
    });
    expect(daily).toMatchObject({
      id: expect.stringMatching(/^trg_/),
      status: 'active',
      schedule: '0 7 * * 1-5',
      time_zone: 'Europe/Oslo',
    });
    expect((await triggers.list()).triggers.map((trigger) => trigger.id)).toEqual([daily.id]);
    expect(await triggers.get(daily.id)).toEqual(daily);

    const first = await triggers.run(daily.id);
    const second = await triggers.run(daily.id);
    expect(first).toMatchObject({ trigger_id: daily.id, status: 'completed' });
    const { trigger_executions } = await triggers.listExecutions(daily.id);
    expect(trigger_executions.map((execution) => execution.id)).toEqual([second.id, first.id]);
    const made = await interactions.get(first.interaction_id as string);
    expect(made.steps?.at(-1)).toEqual({
      type: 'model_output',
      content: [{ type: 'text', text: 'digest of: Summarise yesterday' }],
    });
    expect((await triggers.get(daily.id)).previous_interaction_id).toBe(second.interaction_id);

    await triggers.listExecutions(daily.id, { pageSize: 5, pageToken: 'next' });
    expect(fake?.lastRequest?.url).toMatch(/executions\?page_size=5&page_token=next$/);

    await triggers.delete(daily.id);
    const gone = await triggers.get(daily.id).catch((error: unknown) => error);
    expect(ApiCallError.isInstance(gone) && gone.status).toBe(404);
  });

  it("refuses a bad schedule, time zone, template or an agent's background rule before sending", async () => {
    const { triggers } = await start();
    const base = {
      interaction: { model: 'gemini-3-flash-preview', input: 'Hi' },
      schedule: '0 7 * * *',
      time_zone: 'UTC',
    };
    await expect(triggers.create({ ...base, schedule: 'every morning' })).rejects.toThrow(
      /five-field cron/,
    );
    await expect(triggers.create({ ...base, time_zone: 'Mars/Olympus' })).rejects.toThrow(/IANA/);
    await expect(triggers.create({ ...base, interaction: { input: 'Hi' } })).rejects.toThrow(
      /exactly one of model and agent/,
    );
    await expect(
      triggers.create({ ...base, interaction: { model: 'gemini-3-flash-preview' } as never }),
    ).rejects.toThrow(InvalidArgumentError);
    const rule = await triggers
      .create({
        ...base,
        interaction: { agent: 'deep-research-pro-preview-12-2025', input: 'tides' },
      })
      .catch((error: unknown) => error);
    expect(AgentBackgroundError.isInstance(rule)).toBe(true);
    expect((rule as Error).message).toContain('request.interaction.background');
    await expect(triggers.listExecutions('a/b')).rejects.toThrow(InvalidArgumentError);
    expect(fake?.requests).toEqual([]);
  });
});
