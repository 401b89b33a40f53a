import { createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { recordWeatherRun, weatherAgent } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { traceCase } from './trace-case.ts';

async function recordedCase() {
  const recorded = await recordWeatherRun();
  await recorded.cleanup();
  const made = caseFromRunFile(recorded.text, recorded.file);
  if (made === undefined) throw new Error('no case');
  return made;
}

describe('traceCase', () => {
  it('replays offline, asking no model, while the agent sends the recorded requests', async () => {
    const evalCase = await recordedCase();
    await using live = createFakeGemini({ script: [] });
    const trace = await traceCase(evalCase, {
      createAgent: ({ gemini, recordedToolOutput }) =>
        weatherAgent(gemini, {}, { recordedToolOutput }),
      live: createGemini({ apiKey: 'k', fetch: live.fetch, retry: false }),
    });
    expect(trace).toEqual({
      caseId: evalCase.id,
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
      live: false,
      liveCalls: 0,
    });
    expect(live.modelRequests).toHaveLength(0);
  });

  it('goes live from the first request that changed, and only from there', async () => {
    const evalCase = await recordedCase();
    // The changed tool description changes call 1's request: the run is live from call 1 on.
    await using live = createFakeGemini({ script: [turn.text('Sunny, I think.')] });
    const createAgent = ({
      gemini,
      recordedToolOutput,
    }: Parameters<Parameters<typeof traceCase>[1]['createAgent']>[0]) =>
      weatherAgent(gemini, { toolDescription: 'Weather.' }, { recordedToolOutput });
    const trace = await traceCase(evalCase, {
      createAgent,
      live: createGemini({ apiKey: 'k', fetch: live.fetch, retry: false }),
    });
    expect(trace).toMatchObject({ toolCalls: [], live: true, liveCalls: 1, drift: { call: 0 } });
    expect(trace.drift?.reason).toContain('the tool list changed');
    // Without a live model it says what changed and what to give.
    await expect(traceCase(evalCase, { createAgent })).rejects.toThrow(
      /the tool list changed\), so the recording cannot answer it: give a live model \(options.live/,
    );
  });
});
