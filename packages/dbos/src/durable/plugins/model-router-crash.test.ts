import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerProcess } from '../../__fixtures__/fleet.ts';
import {
  type HoldingFleet,
  startHoldingFleet,
  supportTurns,
} from '../../__fixtures__/holding-fleet.ts';
import { createPostgresHistoryStore, sendDurableChatTurn } from '../../index.ts';

// A third party's model router in a durable run (worker.ts `firstCallToPro`): the run's first call
// goes to gemini-3-pro-preview, the rest to the agent's gemini-3-flash-preview. Thought signatures
// are bound to the model that made them: the seam sends pro's turn to flash without pro's
// signature (the documented dummy in its place), and the fake, as the API, answers 400 "Invalid
// thought signature" to pro's signature sent to flash. The worker is killed in the slow tool after
// the routed step; the worker that takes over must still know pro made the first turn.

const PRO = 'gemini-3-pro-preview';
const FLASH = 'gemini-3-flash-preview';
const DUMMY = 'skip_thought_signature_validator';

type Body = { contents: { role: string; parts: Record<string, unknown>[] }[] };

let fleet: HoldingFleet;
beforeAll(async () => {
  // One worker until both cases' runs are on it (killedTogether starts the second).
  fleet = await startHoldingFleet(
    'router',
    { script: supportTurns('Order 7 shipped.') },
    { workers: 1 },
  );
});
afterAll(async () => {
  await fleet?.close();
});

/** The thought signature of the first function call of each model turn a request of `input` sent. */
function signaturesSent(input: string): { model: string | undefined; signatures: unknown[] }[] {
  return fleet.fake.modelRequests
    .filter((request) => JSON.stringify(request.body).includes(input))
    .map((request) => ({
      model: request.model,
      signatures: (request.body as Body).contents
        .filter((content) => content.role === 'model')
        .map((content) => content.parts.find((part) => part['functionCall'] !== undefined))
        .map((part) => part?.['thoughtSignature']),
    }));
}

/** The two cases' agents: the router's choice run again on the replay, or recorded. */
const AGENTS = ['routedReplayed', 'routedRecorded'] as const;

let together: Promise<Map<string, WorkerProcess>> | undefined;

/**
 * Starts both cases' runs on the one worker, waits until each is in its held slow tool (after
 * the routed step), then kills it with both (`killHeldRuns`): one kill and one start for the two
 * cases, where each had a kill and the second a start of its own. Once for both, whichever runs
 * first; the worker each run was on when it was killed.
 */
function killedTogether(): Promise<Map<string, WorkerProcess>> {
  together ??= (async () => {
    const held = AGENTS.map((agent) => ({
      agent,
      runId: `router-${agent}`,
      hold: `router-${agent}`,
    }));
    for (const { hold } of held) writeFileSync(join(fleet.holdDirectory, hold), '');
    for (const { agent, runId } of held)
      await fleet.runs.start(agent, { runId, input: `Where is order 7? (${agent})` });
    return fleet.killHeldInSlowTools('router-worker-taker', held);
  })();
  return together;
}

describe.each([
  ['routedReplayed', 'run again on the replay'],
  ['routedRecorded', 'recorded'],
])('a model router in a durable run (%s: its choice %s)', (agent) => {
  it('survives a SIGKILL after the routed step: the step after the takeover sends the other model’s turn unsigned', async () => {
    const runId = `router-${agent}`;
    const input = `Where is order 7? (${agent})`;
    const victim = (await killedTogether()).get(runId) as WorkerProcess;

    const result = await fleet.runs.result(runId).catch((error: unknown) => error);
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect((result as { text?: string }).text, String(result)).toBe('Order 7 shipped.');
    expect((result as { steps: { model?: string }[] }).steps.map((step) => step.model)).toEqual([
      PRO,
      undefined,
      undefined,
    ]);
    const sent = signaturesSent(input);
    // The first call to pro, the second to flash before the kill, the third to flash from the
    // worker that took over (no completed call sent again).
    expect(sent.map((request) => request.model)).toEqual([PRO, FLASH, FLASH]);
    // Before the kill: pro's turn with the dummy in place of pro's signature.
    expect(sent[1]?.signatures).toEqual([DUMMY]);
    // After the takeover: pro's turn still without pro's signature; flash's own turn signed by
    // flash (not the dummy).
    expect(sent[2]?.signatures[0]).toBe(DUMMY);
    expect(sent[2]?.signatures[1]).toEqual(expect.any(String));
    expect(sent[2]?.signatures[1]).not.toBe(DUMMY);
  });
});

describe('a durable chat turn routed in part to another model', () => {
  it('is stored as not the agent model’s, so the next turn sends no other model’s signature as its own', async () => {
    const store = createPostgresHistoryStore({ connectionString: fleet.databaseUrl });
    try {
      const send = (message: string) =>
        sendDurableChatTurn({
          runs: fleet.runs,
          store,
          sessionId: 'router-chat',
          agent: 'routedReplayed',
          message,
          model: FLASH,
        });
      const first = await send('Where is order 7? (chat one)');
      expect(first.steps.map((step) => step.model)).toEqual([PRO, undefined, undefined]);
      const second = await send('And order 8? (chat two)');
      expect(second.text).toBe('Order 7 shipped.');
      // Pro and flash made the first turn: stored as the chat session stores such a turn.
      const stored = await store.load('router-chat');
      expect(stored.map((turn) => turn.model)).toEqual(['unknown', 'unknown']);
      // The second turn's calls to flash send the first turn without pro's signature.
      const toFlash = fleet.fake.modelRequests.filter(
        (request) => request.model === FLASH && JSON.stringify(request.body).includes('(chat two)'),
      );
      expect(toFlash.length).toBeGreaterThan(0);
      const proSignatures = (
        first.newContents as { role: string; parts: { thoughtSignature?: string }[] }[]
      )
        .filter((_content, index) => index === 1)
        .flatMap((content) => content.parts.flatMap((part) => part.thoughtSignature ?? []));
      expect(proSignatures.length).toBeGreaterThan(0);
      for (const request of toFlash)
        for (const signature of proSignatures)
          expect(JSON.stringify(request.body)).not.toContain(signature);
    } finally {
      await store.close();
    }
  });
});
