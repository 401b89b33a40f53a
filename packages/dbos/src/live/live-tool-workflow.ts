import { DBOS } from '@dbos-inc/dbos-sdk';
import { toolResultMark } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import type { FunctionTool } from '@gemloop/core/tools';
import { isFunctionTool } from '@gemloop/core/tools';
import type { DurableAgentDefinition } from '../durable/runs/durable-run-types.ts';
import type { DurableToolContext } from '../durable/steps/durable-tool.ts';
import { isDurableRunEnding } from '../durable/steps/is-durable-run-ending.ts';
import { type RecordedError, recordedError } from '../durable/steps/recorded-error.ts';
import { runDurableStep } from '../durable/steps/run-durable-step.ts';
import { toJsonSafe } from '../durable/steps/to-json-safe.ts';
import { withCancelSignal } from '../durable/steps/with-cancel-signal.ts';

/**
 * A background call's outcome, as its workflow records it (JSON, read back by any process): a
 * thrown error as recorded-error.ts stores it. @internal
 */
export type LiveToolOutcome =
  /**
   * `toolResult`, for a value of `toolResult()`'s shape: whether `toolResult()` made it (media) or
   * it is the tool's data; the record's JSON loses the mark (absent in a record from before it).
   */
  { ok: true; value: unknown; toolResult?: boolean } | RecordedError;

/** The input of one live tool workflow: which agent's tool, with the arguments core parsed. @internal */
export type LiveToolInput = { agent: string; tool: string; toolCallId: string; args: unknown };

/** The workflow a live session's background call runs as. @internal */
export type LiveToolWorkflow = (input: LiveToolInput) => Promise<LiveToolOutcome>;

/**
 * The workflow id of a live session's background call: `gemloop.live:<sessionId>:<callId>`. DBOS
 * runs a workflow id once (its idempotency key: https://docs.dbos.dev/typescript/tutorials/idempotency-tutorial),
 * so a call started again by a resumed session meets the one the crashed process started.
 * @internal
 */
export function liveToolWorkflowId(sessionId: string, callId: string): string {
  return `gemloop.live:${sessionId}:${callId}`;
}

/**
 * The `workflow_id_prefix` that lists a live session's workflows (`gemloop.live:<sessionId>:`).
 * DBOS matches it with LIKE, unescaped (see `childRunsPrefix`): a session id's `_` is escaped, else
 * it matched other sessions' workflows. @internal
 */
export function liveToolWorkflowsPrefix(sessionId: string): string {
  return liveToolWorkflowId(sessionId, '').replace(/[\\%_]/g, '\\$&');
}

/**
 * Registers (before `DBOS.launch`) the workflow that runs a live session's background tool call:
 * one step, the tool's `execute`, whose result (or error's name and message) DBOS records. A
 * worker killed while the tool runs recovers the workflow when it starts again with its executor
 * id (or another worker takes it over after `takeover.deadAfterMs`) and runs the step again:
 * DBOS steps are at-least-once (https://docs.dbos.dev/typescript/tutorials/workflow-tutorial), so
 * the tool gets `durableContext(context).idempotencyKey` (the workflow id) to make its effect
 * once. The result stays in Postgres until a session delivers it.
 *
 * A tool's thrown error is stored as a durable run's tool step stores it (recorded-error.ts):
 * without the keys `keysOf` gives for the agent (its clients'; asked only when a tool threw),
 * nor URLs, addresses and paths, cut at 1,000 characters, its name and `code` kept. Before, the
 * step's row held the raw `error.message` (redact40).
 * @internal
 */
export function registerLiveToolWorkflow(
  agents: Readonly<Record<string, DurableAgentDefinition>>,
  keysOf: (agent: string) => readonly string[] = () => [],
): LiveToolWorkflow {
  const toolOf = (agent: string, name: string): FunctionTool | undefined => {
    const found = agents[agent]?.tools?.find((tool) => isFunctionTool(tool) && tool.name === name);
    return found !== undefined && isFunctionTool(found) ? (found as FunctionTool) : undefined;
  };
  return DBOS.registerWorkflow(
    async ({ agent, tool: name, toolCallId, args }: LiveToolInput): Promise<LiveToolOutcome> => {
      const workflowId = DBOS.workflowID as string;
      return runDurableStep(
        async (): Promise<LiveToolOutcome> => {
          const tool = toolOf(agent, name);
          if (tool === undefined) {
            return {
              ok: false,
              name: 'Error',
              message: `This worker's agent "${agent}" has no function tool "${name}".`,
            };
          }
          try {
            const value = await tool.execute(args, {
              signal: withCancelSignal(new AbortController().signal) as AbortSignal,
              toolCallId,
              step: 0,
              callIndex: 0,
              logger: agents[agent]?.logger ?? silentLogger,
              contents: [],
              runId: workflowId,
              idempotencyKey: workflowId,
            } as DurableToolContext);
            const mark = toolResultMark(value);
            return {
              ok: true,
              value: toJsonSafe(value === undefined ? null : value),
              ...(mark === undefined ? {} : { toolResult: mark }),
            };
          } catch (error) {
            if (isDurableRunEnding(error)) throw error;
            return recordedError(error, keysOf(agent));
          }
        },
        { name: `gemloop.live-tool:${name}` },
      );
    },
    { name: 'gemloop.live-tool' },
  );
}
