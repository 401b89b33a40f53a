import { DBOS } from '@dbos-inc/dbos-sdk';
import { assertStillOwnsWorkflow } from '@dbos-inc/dbos-sdk/datasource';
import type { ToolExecuteContext } from '@gemloop/core';
import {
  fromToolResultMark,
  type StepReport,
  toolResultMark,
  toolStepReportsOf,
} from '@gemloop/core/internal';
import type { AnyTool, BuiltinTool, FunctionTool } from '@gemloop/core/tools';
import { isBuiltinTool, isFunctionTool } from '@gemloop/core/tools';
import type { OwnershipConfirmations } from '../fleet/ownership-confirmations.ts';
import type { SteerWatch } from '../steering/durable-steering.ts';
import { boundedCallId, wellFormed } from './bounded-call-id.ts';
import { isDurableRunEnding } from './is-durable-run-ending.ts';
import { type RecordedError, recordedError, thrownFromRecord } from './recorded-error.ts';
import { runDurableStep } from './run-durable-step.ts';
import { withCancelSignal } from './with-cancel-signal.ts';

/**
 * What a durable run adds to a tool's `execute` context: the run id and an idempotency key
 * (`<runId>:<step>.<callIndex>:<toolCallId>`, a lone surrogate of the id as U+FFFD), the same in
 * every execution of the call and different for every call of the run (the model may give two
 * calls one id, or reuse an id in a later step). A tool that was running when its worker died runs again on the worker that takes
 * the run over; give the key to the service the tool calls (an `Idempotency-Key` header, a
 * unique column) so the second execution has no second effect.
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

/**
 * `steer`: whether a steer waited when the tool ended (absent: no watch, or an older record).
 * `toolResult`, for a value of `toolResult()`'s shape: whether `toolResult()` made it (media) or
 * it is the tool's data (the record's JSON loses the mark; see `toolResultMark`). Absent in a
 * record from before it was written, whose value of that shape was sent as media.
 * `emitted`: the reports the call's plugins made through its run while the tool ran (absent:
 * none, or an older record), emitted again on a replay (`ToolStepReports`).
 * A thrown error as recorded-error.ts stores it.
 */
type ToolOutcome = ({ ok: true; value: unknown; toolResult?: boolean } | RecordedError) & {
  steer?: boolean;
  emitted?: StepReport[];
};

/**
 * A function tool whose `execute` is a DBOS step: its result (or its error's name, message and
 * `code`) is recorded, and a replay hands the recorded outcome back without running the tool. The
 * step's outcome is the same object in the first run and in a replay (an error is rebuilt from
 * the record both times), so the agent answers the model identically.
 *
 * The record (`dbos.operation_outputs`) holds the error as the model is told it: its message
 * without the keys of the run's clients and the local details `redactLocalDetails` takes (a
 * tool's `connect failed: postgres://app:pw@10.0.0.5/db` is stored as `connect failed: <url>`),
 * cut at `MAX_TOOL_ERROR_MESSAGE_LENGTH`, as the run's final error is (redacted-run-error.ts).
 * The guardrails' `onToolError` therefore sees that redacted error in a durable run, in its
 * first execution and on replay alike: a tool that needs the raw text for its operators logs it
 * itself, where it threw.
 *
 * The step is named by the call's place (agent step, index in the turn) and its id
 * (`gemloop.tool:<name>@<step>.<index>:<id>`): a replay that meets another call at a recorded
 * step fails on DBOS's step-name check, as a `DurableReplayMismatchError`, instead of
 * handing one call's recorded outcome to another. The calls of a turn start their steps in call
 * order (the agent's `toolCallOrder: 'replayable'`), so a replay meets them in the same order
 * however they ended.
 *
 * DBOS's own errors (lost ownership, cancellation) are not the tool's: `DBOS.runStep` rethrows
 * them, and the agent's `isRunEndingError` ends the run with them.
 * @internal
 */
export function toDurableTool(
  tool: AnyTool,
  /** Runs the step body (with the run's timed event writes). */
  wrap: <T>(body: () => Promise<T>) => Promise<T>,
  /** Records with each outcome whether a steer waits, for the next step boundary. */
  steer?: SteerWatch,
  /** Told of each tool step this execution ran and DBOS recorded (its owner checked). */
  ownership?: OwnershipConfirmations,
  /**
   * Runs the ownership check before the tool starts, or something that checks the same (the
   * worker writes the run's due events instead: run-events.ts, `writeEventsAsFence`).
   */
  fence: (check: () => Promise<void>) => Promise<void> = (check) => check(),
  /** The keys of the run's clients: kept out of a recorded error (asked only when a tool threw). */
  keys: () => readonly string[] = () => [],
): AnyTool {
  if (isBuiltinTool(tool)) {
    // A built-in whose calls the client answers (computer use's actions): each handler is a step
    // too, so a replay hands back the recorded screenshot instead of clicking again.
    if (tool.handlers === undefined || tool.handlers.length === 0) return tool;
    const builtin: BuiltinTool = {
      ...tool,
      handlers: tool.handlers.map(
        (handler) => toDurableTool(handler, wrap, steer, ownership, fence, keys) as FunctionTool,
      ),
    };
    return Object.freeze(builtin);
  }
  if (!isFunctionTool(tool)) return tool;
  // A new object whose prototype is the tool: parseArgs, declaration and the rest stay the tool's.
  const durable: FunctionTool<unknown, unknown> = Object.create(tool);
  Object.defineProperty(durable, 'execute', {
    enumerable: true,
    value: async (args: unknown, context: ToolExecuteContext): Promise<unknown> => {
      const runId = DBOS.workflowID;
      if (runId === undefined || !DBOS.isInWorkflow()) return tool.execute(args, context);
      // The agent loop always sets callIndex; 0 for a context made by hand.
      const position = `${context.step}.${context.callIndex ?? 0}`;
      // Well-formed, not cut: a service stores a lone surrogate as U+FFFD, so the key it reads back
      // is the one it is given again; the bytes sent are the same as before (UTF-8 replaces it).
      const idempotencyKey = `${runId}:${position}:${wellFormed(context.toolCallId)}`;
      // Set when the body runs here (not when a replay hands back the record).
      let ranAs: number | undefined;
      // What the call's plugins report through its run while the tool runs (an MCP server's
      // sampling request, a progress report) goes out at once, and a copy is kept with the
      // outcome: a replay, which does not run the tool, emits it again where the step returns.
      const reports = toolStepReportsOf(context);
      // DBOS takes the step's id when runStep is called (before any await), so the step must be
      // started here, synchronously, for the turn's calls to get their ids in call order.
      const outcome: ToolOutcome = await runDurableStep(
        (): Promise<ToolOutcome> =>
          wrap(async (): Promise<ToolOutcome> => {
            // An execution that lost the run (frozen past the takeover, then thawed) must not
            // start the tool beside the new owner: DBOS checks ownership when the step is
            // recorded, after the tool ran, so check it before too (one query, or the run's
            // due event write, which checks the same). Thrown outside the try below: it is the
            // execution's end, not the tool's outcome.
            await fence(() => assertStillOwnsWorkflow(runId));
            ranAs = DBOS.stepID;
            let outcome: ToolOutcome;
            reports?.begin();
            try {
              const value = await tool.execute(args, {
                ...context,
                signal: withCancelSignal(context.signal),
                runId,
                idempotencyKey,
              } as DurableToolContext);
              outcome = { ok: true, value: value === undefined ? null : value };
              // Beside the value, where the tool's data cannot reach (toolresult45).
              const mark = toolResultMark(value);
              if (mark !== undefined) outcome.toolResult = mark;
            } catch (error) {
              // DBOS's own errors from inside the tool (it wrote a stream, started a step) end
              // the execution; they are never the call's recorded outcome.
              if (isDurableRunEnding(error)) throw error;
              outcome = recordedError(error, keys());
            }
            const emitted = reports?.end();
            if (emitted !== undefined && emitted.length > 0) outcome.emitted = emitted;
            // Looked at once the tool ended: a steer sent while it ran joins at the next boundary.
            return steer === undefined ? outcome : { ...outcome, steer: await steer.probe() };
          }),
        { name: `gemloop.tool:${tool.name}@${position}:${boundedCallId(context.toolCallId)}` },
      );
      // Recorded by this execution: DBOS checked its owner in the record's transaction.
      if (ranAs !== undefined) ownership?.confirmed(runId, ranAs);
      else reports?.replay(outcome.emitted);
      steer?.note(outcome.steer);
      // The same in the first run and on a replay: a toolResult() made again from the record, the
      // tool's data of its shape as data, and a record from before the mark as it was sent then.
      if (outcome.ok) return fromToolResultMark(outcome.value, outcome.toolResult);
      throw thrownFromRecord(outcome);
    },
  });
  return durable;
}
