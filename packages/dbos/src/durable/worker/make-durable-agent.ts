import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent, InvalidArgumentError } from '@gemloop/core';
import type { Guardrails } from '@gemloop/core/guardrails';
import { agentKeysReader, holdsTextBack } from '@gemloop/core/internal';
import type { GenerateContentRequest, GenerateContentResponse } from '@gemloop/core/wire';
import { createApprovalHook, type RunPauser } from '../approvals/approvals.ts';
import { runsAsChildWorkflow } from '../children/durable-children.ts';
import { captureRequest } from '../events/run-events.ts';
import type { FleetRateLimit } from '../fleet/fleet-rate-limit.ts';
import {
  createModelCallFence,
  type OwnershipConfirmations,
} from '../fleet/ownership-confirmations.ts';
import {
  createDurableInteractions,
  registerDurableInteractions,
} from '../interactions/durable-interactions.ts';
import type { DurableAgentDefinition } from '../runs/durable-run-types.ts';
import type { SteerWatch } from '../steering/durable-steering.ts';
import { assertStillOwnsRun } from '../steps/call-model-step.ts';
import { callModelStep, createDurableGemini, createModelCalls } from '../steps/durable-gemini.ts';
import { toDurableTool } from '../steps/durable-tool.ts';
import { isDurableRunEnding } from '../steps/is-durable-run-ending.ts';
import { type PackedChunks, packChunks, unpackChunks } from '../steps/packed-chunks.ts';
import { calledFunctions, declaredFunctions } from '../steps/replayed-tool-calls.ts';
import type { WorkerRunEvents } from './worker-run-events.ts';

/** A streamed model step's record: packed, or (an older version's, a non-string text) the chunks. */
type StreamRecord = PackedChunks | readonly GenerateContentResponse[];

/** An agent of the worker made durable, with its approval hook. @internal */
export type PreparedDurableAgent = {
  agent: ReturnType<typeof createAgent>;
  approvals: ReturnType<typeof createApprovalHook>;
};

/** What the worker gives {@link createDurableAgentMaker}: the pieces every durable agent shares. @internal */
export type DurableAgentContext = {
  /** The fleet rate limits, when the worker has any (fleet-rate-limit.ts). */
  rateLimit: FleetRateLimit | undefined;
  /** Which runs' next step boundary reads their steering messages (durable-steering.ts). */
  steerWatch: SteerWatch;
  /** Which runs' next model call goes without the ownership fence (ownership-confirmations.ts). */
  ownership?: OwnershipConfirmations | undefined;
  /** The event buffers of the worker's runs. */
  events: WorkerRunEvents;
  /** How long a call waits for approval before it is denied. */
  approvalTimeoutMs: number;
  /** Stops and resumes a run from inside it (a DBOS client, not DBOS's static API). */
  pauser: RunPauser;
  /** The run's status as DBOS stores it, read outside the workflow (no checkpoint). */
  statusOf: (runId: string) => Promise<string | undefined>;
};

/**
 * Makes a defined agent, or a subagent's agent at `name` (`support/research`), durable: its model
 * calls and tool calls become DBOS steps, its approvals pause the run without a worker slot (its
 * guardrail checks are recorded steps through the plugin seam's recorder, durable-plugin-hooks.ts,
 * which the run workflow passes to every run of the tree).
 * @internal
 */
export function createDurableAgentMaker({
  rateLimit,
  steerWatch,
  ownership,
  events,
  approvalTimeoutMs,
  pauser,
  statusOf,
}: DurableAgentContext): (
  name: string,
  definition: DurableAgentDefinition,
) => PreparedDurableAgent {
  const { currentBuffer, streamWithPreview, timed, flushCurrent, fenceWithEvents } = events;
  return (name, definition) => {
    const { needsApproval, ...agentOptions } = definition;
    if (agentOptions.toolCallOrder === 'as-ready') {
      throw new InvalidArgumentError({
        argument: `agents.${name}.toolCallOrder`,
        message: `startDurableWorker: agent "${name}" sets toolCallOrder: 'as-ready', which a durable run cannot replay (its tool steps would start in a timing-dependent order). Leave toolCallOrder out: durable runs use 'replayable'.`,
      });
    }
    const given = agentOptions.guardrails as Guardrails | undefined;
    // The fence before each attempt, but the first attempt's right after a tool step this
    // execution recorded (DBOS checked the owner there): one statement a step (bench/RESULTS.md).
    const fence =
      ownership === undefined
        ? assertStillOwnsRun
        : createModelCallFence({
            ownership,
            check: assertStillOwnsRun,
            position: () => ({ runId: DBOS.workflowID, stepId: DBOS.stepID }),
          });
    const calls = createModelCalls(definition.gemini, rateLimit?.admit, fence);
    // A run that holds its text back (`guardrails.holdBack`) sends only what its guardrails
    // passed: a preview of the streamed call's text would write it ahead of them, at the indices
    // of events the run emits instead (issue 52).
    const preview = !holdsTextBack(given?.options ?? {});
    // What each call asks goes out with the run's events (run-events.ts, captureRequest), so
    // the run can become an eval case later (`readRecordedRuns`, @gemloop/dbos/recorded-runs).
    const capture = (request: GenerateContentRequest): void => {
      const buffer = currentBuffer();
      if (buffer !== undefined) captureRequest(buffer, request);
    };
    const gemini = createDurableGemini(definition.gemini, {
      generate: (request, options, reports) => {
        capture(request);
        return callModelStep<GenerateContentResponse>({
          name: 'gemloop.model:generate',
          // The fence of `calls` checks ownership before each attempt is sent.
          fenced: true,
          steer: steerWatch,
          functions: { declared: declaredFunctions(request), calledOf: calledFunctions },
          reports,
          call: () => timed(() => calls.generate(request, options)),
        });
      },
      stream: async (request, options, reports) => {
        capture(request);
        // Recorded packed (packed-chunks.ts); the chunks of a call made here are handed on as
        // they came, a replay's unpacked once from its record (an older one is the chunks).
        let made: GenerateContentResponse[] | undefined;
        let replayed: GenerateContentResponse[] | undefined;
        const chunksOf = (record: StreamRecord): GenerateContentResponse[] => {
          if (made !== undefined) return made;
          replayed ??= unpackChunks(record);
          return replayed;
        };
        const record = await callModelStep<StreamRecord>({
          name: 'gemloop.model:stream',
          fenced: true,
          steer: steerWatch,
          functions: {
            declared: declaredFunctions(request),
            calledOf: (each) => calledFunctions(chunksOf(each)),
          },
          reports,
          call: async () => {
            made = await timed(() =>
              preview
                ? streamWithPreview((onChunk) => calls.stream(request, options, onChunk))
                : calls.stream(request, options),
            );
            return packChunks(made);
          },
        });
        return chunksOf(record);
      },
    });
    registerDurableInteractions(gemini, agentOptions.api, () =>
      createDurableInteractions(definition.gemini, calls, timed, statusOf, pauser.pool, {
        pauser,
        // An execution of a run of the runs queue, not a subagent's child workflow (which has an
        // event buffer too). Its own execution's, not its run's: the stale one of a run resumed
        // twice must not take itself for a child (the owner's would be found by the run's id).
        parks: () => {
          const execution = events.current();
          return execution?.buffer !== undefined && execution.child !== true;
        },
        flush: flushCurrent,
      }),
    );
    const approvals = createApprovalHook({
      // A tool guardrail may answer `ask`: the hook that pauses for a person is then needed even
      // when no tool is listed.
      needsApproval: needsApproval ?? ((given?.options.tools?.length ?? 0) > 0 ? [] : undefined),
      userHook: agentOptions.beforeToolCall,
      timeoutMs: approvalTimeoutMs,
      flush: flushCurrent,
      pauser,
      stateOf: () => events.current()?.approvals,
    });
    // A tool's recorded error is stored without the keys of this agent's clients and its run's
    // (durable-tool.ts); read only when a tool threw, after `agent` below exists.
    const keysOfRun = (): readonly string[] => [
      ...(currentBuffer()?.keys() ?? []),
      ...keysOfAgent(),
    ];
    const agent = createAgent({
      ...agentOptions,
      gemini,
      // A subagent's calls start child workflows (durable-children.ts), whose calls are the steps.
      tools: agentOptions.tools?.map((tool) =>
        runsAsChildWorkflow(tool)
          ? tool
          : toDurableTool(tool, timed, steerWatch, ownership, fenceWithEvents, keysOfRun),
      ),
      beforeToolCall: approvals.hook,
      // DBOS's "this execution lost the run" and "cancelled", and the approval pause, end the
      // run as they are: the workflow sees them (and DBOS parks the execution) instead of the
      // model seeing them as a tool's error and being called again.
      isRunEndingError: (error) =>
        isDurableRunEnding(error) || agentOptions.isRunEndingError?.(error) === true,
      // The calls of a turn run at once (up to the definition's toolConcurrency), in an order
      // that depends on the turn alone: every approval decision first, in call order, then the
      // tool steps started in call order (DBOS numbers a step when it starts), settled and
      // reported in call order. A replay meets the same steps in the same order, as DBOS
      // requires ("it should invoke the same steps with the same inputs in the same order":
      // https://docs.dbos.dev/typescript/tutorials/workflow-tutorial, Determinism); a step's
      // number is taken when it starts (`callStepFunction`, `dist/src/dbos-executor.js` 5.3).
      toolCallOrder: 'replayable',
    });
    const keysOfAgent = agentKeysReader(agent);
    return { agent, approvals };
  };
}
