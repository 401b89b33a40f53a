import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HoldingFleet, startHoldingFleet } from '../../__fixtures__/holding-fleet.ts';

// The built-in fallback in a durable run (worker.ts `searcher`): Gemini 2.x cannot send
// google_search next to function declarations, so the search runs as a function whose call is a
// grounded request of its own. Its sources must reach the result and the run's events, and a
// replay after a SIGKILL must not search again.

const SOURCES = [{ uri: 'https://weather.example/tokyo', title: 'Tokyo weather' }];
const ANSWER = 'Tokyo is sunny, says Tokyo weather.';

/** Whether a request is the grounded call: only the built-in, no declarations. */
function isGrounded(body: unknown): boolean {
  const tools = (body as { tools?: Record<string, unknown>[] }).tools ?? [];
  return tools.some((tool) => 'googleSearch' in tool);
}

let fleet: HoldingFleet;

beforeAll(async () => {
  fleet = await startHoldingFleet('builtin-fallback', {
    script: (request, context) => {
      if (isGrounded(request.body)) {
        return turn.grounded('Sunny, 24 degrees.', {
          sources: SOURCES,
          queries: ['weather tokyo'],
        });
      }
      const answered = context.functionResponses.map((response) => response.name);
      if (answered.includes('slow')) return turn.text(ANSWER);
      if (answered.includes('google_search')) return turn.call('slow', { order: '7' });
      return turn.call('google_search', { query: 'weather tokyo' });
    },
  });
});

afterAll(async () => {
  await fleet?.close();
});

describe('the built-in fallback in a durable run', () => {
  it('makes the grounded call once, and a replay after a SIGKILL ends with the same answer and sources', async () => {
    const runId = 'fallback-crash';
    writeFileSync(join(fleet.holdDirectory, runId), '');
    await fleet.runs.start('searcher', { runId, input: 'Weather in Tokyo?' });
    const victim = await fleet.killInSlowTool(runId);
    rmSync(join(fleet.holdDirectory, runId));
    const result = await fleet.runs.result(runId);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(result.text).toBe(ANSWER);
    // One grounded call, before the kill: the replay read its outcome from the run's record.
    const sent = fleet.fake.modelRequests.map((request) =>
      isGrounded(request.body) ? 'grounded' : 'agent',
    );
    expect(sent).toEqual(['agent', 'grounded', 'agent', 'agent']);
    // Its sources reach the model (the function's output), the result and the run's events.
    const searched = result.steps[0]?.toolCalls[0];
    expect(searched?.toolName).toBe('google_search');
    expect(searched?.output).toEqual({
      answer: 'Sunny, 24 degrees.',
      sources: [{ title: 'Tokyo weather', uri: 'https://weather.example/tokyo' }],
      searchQueries: ['weather tokyo'],
    });
    const chunks = [{ web: { uri: SOURCES[0]?.uri, title: SOURCES[0]?.title } }];
    expect(searched?.grounding?.groundingChunks).toEqual(chunks);
    expect(result.grounding?.map((grounding) => grounding.groundingChunks)).toEqual([chunks]);
    const grounding: unknown[] = [];
    for await (const { event } of fleet.runs.events(runId)) {
      if (event.type === 'grounding') grounding.push(event);
    }
    expect(grounding).toEqual([
      expect.objectContaining({
        type: 'grounding',
        source: 'tool',
        stepNumber: 1,
        grounding: expect.objectContaining({ groundingChunks: chunks }),
      }),
    ]);
    // Run once: the worker that took over never searched.
    const searchedBy = fleet.fake.modelRequests
      .filter((request) => isGrounded(request.body))
      .map((request) => request.headers?.['x-test-worker']);
    expect(searchedBy).toEqual([victim.executorId]);
  }, 180_000);
});
