import { DBOS } from '@dbos-inc/dbos-sdk';
import type { ToolExecuteContext } from '@gemloop/core';
import type { AnyTool, FunctionTool } from '@gemloop/core/tools';
import { isFunctionTool } from '@gemloop/core/tools';

/**
 * What a durable run adds to a tool's `execute` context: the run id and an idempotency key
 * (`<runId>:<toolCallId>`), the same in every execution of the call. A tool that was running when
 * its worker died runs again on the worker that takes the run over; give the key to the service
 * the tool calls (an `Idempotency-Key` header, a unique column) so the second execution has no
 * second effect.
 */
export type DurableToolContext = ToolExecuteContext & {
  runId: string;
  idempotencyKey: string;
};

/**
 * The run id and idempotency key of a tool call, when the tool runs inside a durable run
 * (`undefined` in a plain run): `const { idempotencyKey } = durableContext(context) ?? {}`.
 */
export function durableContext(
  context: ToolExecuteContext,
): { runId: string; idempotencyKey: string } | undefined {
  const candidate = context as Partial<DurableToolContext>;
  return typeof candidate.idempotencyKey === 'string' && typeof candidate.runId === 'string'
    ? { runId: candidate.runId, idempotencyKey: candidate.idempotencyKey }
    : undefined;
}

type ToolOutcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

/**
 * A function tool whose `execute` is a DBOS step: its result (or its error's name and message) is
 * recorded, and a replay hands the recorded outcome back without running the tool. The step's
 * outcome is the same object in the first run and in a replay (an error is rebuilt from its name
 * and message both times), so the agent answers the model identically.
 * @internal
 */
export function toDurableTool(
  tool: AnyTool,
  /** Runs the step body (with the run's timed event writes). */
  wrap: <T>(body: () => Promise<T>) => Promise<T>,
): AnyTool {
  if (!isFunctionTool(tool)) return tool;
  // A new object whose prototype is the tool: parseArgs, declaration and the rest stay the tool's.
  const durable: FunctionTool<unknown, unknown> = Object.create(tool);
  Object.defineProperty(durable, 'execute', {
    enumerable: true,
    value: async (args: unknown, context: ToolExecuteContext): Promise<unknown> => {
      const runId = DBOS.workflowID;
      if (runId === undefined || !DBOS.isInWorkflow()) return tool.execute(args, context);
      const idempotencyKey = `${runId}:${context.toolCallId}`;
      const outcome: ToolOutcome = await DBOS.runStep(
        (): Promise<ToolOutcome> =>
          wrap(async (): Promise<ToolOutcome> => {
            try {
              const value = await tool.execute(args, {
                ...context,
                runId,
                idempotencyKey,
              } as DurableToolContext);
              return { ok: true, value: value === undefined ? null : value };
            } catch (error) {
              return error instanceof Error
                ? { ok: false, name: error.name, message: error.message }
                : { ok: false, name: 'Error', message: String(error) };
            }
          }),
        { name: `gemloop.tool:${tool.name}` },
      );
      if (outcome.ok) return outcome.value;
      const error = new Error(outcome.message);
      error.name = outcome.name;
      throw error;
    },
  });
  return durable;
}
