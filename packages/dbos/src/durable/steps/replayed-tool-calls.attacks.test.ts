import { DBOS } from '@dbos-inc/dbos-sdk';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DurableReplayMismatchError } from '../../errors/durable-replay-mismatch-error.ts';
import { callModelStep } from './call-model-step.ts';
import { calledFunctions, declaredFunctions } from './replayed-tool-calls.ts';

vi.mock('@dbos-inc/dbos-sdk/datasource', () => ({ assertStillOwnsWorkflow: vi.fn() }));

/** A model answer calling `names`, one part each. */
const calling = (...names: string[]): GenerateContentResponse => ({
  candidates: [
    {
      content: {
        role: 'model',
        parts: names.map((name) => ({ functionCall: { name, args: {} } })),
      },
    },
  ],
});
const requestWith = (...names: string[]) => ({
  model: 'gemini-3-flash-preview',
  contents: 'Refund order 7',
  tools: [{ functionDeclarations: names.map((name) => ({ name, description: name })) }],
});

describe('a model step replayed by a worker whose agent lost a tool the record called', () => {
  // What DBOS recorded for the step, handed back as a replay does (the body does not run).
  let recorded: unknown;
  beforeEach(() => {
    vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
    vi.spyOn(DBOS, 'stepID', 'get').mockReturnValue(3);
    recorded = undefined;
    vi.spyOn(DBOS, 'runStep').mockImplementation(async (body) => {
      if (recorded !== undefined) return recorded as never;
      recorded = await body();
      return recorded as never;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const step = (request: ReturnType<typeof requestWith>, answer: GenerateContentResponse) =>
    callModelStep({
      name: 'gemloop.model:generate',
      fenced: true,
      functions: { declared: declaredFunctions(request), calledOf: calledFunctions },
      call: async () => answer,
    });

  it('ends the run with a typed error naming the tool, instead of telling the model it does not exist', async () => {
    const answer = calling('slow');
    // Recorded by code whose agent had lookup and slow.
    await step(requestWith('lookup', 'slow'), answer);
    // Replayed by code whose agent has lookup only.
    const error = await step(requestWith('lookup'), answer).catch((caught: unknown) => caught);
    expect(DurableReplayMismatchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      runId: 'run-1',
      stepId: 3,
      recordedStep: 'gemloop.model:generate calling slow',
    });
    expect((error as Error).message).toContain('recorded calling "slow"');
    expect((error as Error).message).toContain('has no tool of that name (it has lookup)');
  });

  it('replays as before a call the recorded request did not declare either (the model made the name up)', async () => {
    const answer = calling('ghost', 'lookup');
    await step(requestWith('lookup'), answer);
    expect(recorded).toMatchObject({ calls: { step: 3, undeclared: ['ghost'] } });
    await expect(step(requestWith('lookup'), answer)).resolves.toEqual(answer);
  });

  it('judges a call a gateway wrote in snake_case (`function_call`), which the loop runs as any other', async () => {
    // The proto field name, as a translating gateway answers: the loop reads it as `functionCall`.
    const answer = {
      candidates: [
        { content: { role: 'model', parts: [{ function_call: { name: 'slow', args: {} } }] } },
      ],
    } as unknown as GenerateContentResponse;
    expect(calledFunctions(answer)).toEqual(['slow']);
    await step(requestWith('lookup', 'slow'), answer);
    const error = await step(requestWith('lookup'), answer).catch((caught: unknown) => caught);
    expect(DurableReplayMismatchError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('recorded calling "slow"');
  });

  it('records nothing more for an answer that calls nothing, and replays a record of an older version as before', async () => {
    await step(requestWith('lookup'), calling());
    expect(recorded).toEqual({ ok: true, value: calling() });
    // A record without `calls` (written before this check): not judged.
    recorded = { ok: true, value: calling('slow') };
    await expect(step(requestWith('lookup'), calling('slow'))).resolves.toEqual(calling('slow'));
  });
});
