import { DBOS } from '@dbos-inc/dbos-sdk';
import { createAgent, InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { fromToolResultMark } from '@gemloop/core/internal';
import {
  createLiveSession,
  type LiveEvent,
  type LiveSession,
  type LiveSessionOptions,
  nextIdlessKey,
} from '@gemloop/core/live';
import type { AnyTool, FunctionTool } from '@gemloop/core/tools';
import { isFunctionTool } from '@gemloop/core/tools';
import type pg from 'pg';
import type { DurableAgentDefinition } from '../durable/runs/durable-run-types.ts';
import { durableStartWorkflow } from '../durable/steps/durable-operations.ts';
import { thrownFromRecord } from '../durable/steps/recorded-error.ts';
import {
  cancelLiveCall,
  openStoredLiveSession,
  recordLiveCall,
  storeLiveHandle,
} from './live-session-store.ts';
import {
  type LiveToolOutcome,
  type LiveToolWorkflow,
  liveToolWorkflowId,
  liveToolWorkflowsPrefix,
} from './live-tool-workflow.ts';

/**
 * The options of `worker.openLiveSession`: core's {@link LiveSessionOptions} with a `sessionId`.
 * The handle, the calls owed, where id-less calls' keys start and where handles go are the
 * store's: `resumeHandle`, `pendingCalls`, `idlessKeyStart` and `onHandle` are not taken.
 */
export type DurableLiveSessionOptions = Omit<
  LiveSessionOptions,
  'resumeHandle' | 'pendingCalls' | 'idlessKeyStart' | 'onHandle'
> & {
  /**
   * The session's id, yours (a call id, a user's conversation id): open it again with the same
   * id, in any process of the fleet, to continue it after a crash or a deploy.
   */
  sessionId: string;
};

/** A live session whose background tools are durable; `sessionId` continues it anywhere. */
export type DurableLiveSession = LiveSession & {
  readonly sessionId: string;
  /**
   * Resolves when every handle, call and cancellation seen so far is in Postgres (a test, or a
   * graceful shutdown, waits for it).
   */
  stored(): Promise<void>;
};

/** What the worker gives {@link openDurableLiveSession}. @internal */
export type DurableLiveContext = {
  pool: pg.Pool;
  agents: Readonly<Record<string, DurableAgentDefinition>>;
  workflow: LiveToolWorkflow;
};

const SESSION_ID = /^[A-Za-z0-9_.:@/-]{1,200}$/;

/**
 * Opens (or continues) a live session of a worker's agent whose background (`NON_BLOCKING`)
 * tools run as DBOS workflows, so a worker crash during a long tool delivers its result to the
 * resumed session exactly once:
 *
 * - each background call runs as the workflow `gemloop.live:<sessionId>:<callId>` (one step: the
 *   tool), whose result DBOS keeps in Postgres; the session awaits it and sends the
 *   `toolResponse`;
 * - each resumable handle the server sends is stored with what its state holds, in one
 *   transaction: the background calls made so far (the server waits for their answers) and the
 *   answers sent before the turn it follows (core's `onHandle`);
 * - opening the same `sessionId` again (after a crash, in any process of the fleet) resumes the
 *   server's session from the stored handle (the socket did not survive the crash) and answers,
 *   once, the calls that handle waits for: the result of the recovered workflow, never the tool
 *   run a third time. An answer sent but not yet held by a stored handle is sent again, which the
 *   older handle's state waits for; one held is never sent again;
 * - a call the server sent without an id is stored as such and answered without one; the
 *   reopened session's id-less keys go on past every key the session used (its workflow ids).
 *
 * Blocking tools run in the session's process, as in core (the server asks again after a
 * resume). @internal
 */
export async function openDurableLiveSession(
  context: DurableLiveContext,
  agentName: string,
  options: DurableLiveSessionOptions,
): Promise<DurableLiveSession> {
  const { pool, agents, workflow } = context;
  const definition = agents[agentName];
  if (definition === undefined) {
    throw new InvalidArgumentError({
      argument: 'agent',
      message: `openLiveSession: this worker defines no agent "${agentName}" (it defines ${Object.keys(agents).join(', ') || 'none'}).`,
    });
  }
  const { sessionId, onEvent, ...liveOptions } = options;
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) {
    throw new InvalidArgumentError({
      argument: 'sessionId',
      message:
        'openLiveSession: sessionId must be 1-200 characters of letters, digits and _ . : @ / -.',
    });
  }
  for (const key of ['resumeHandle', 'pendingCalls', 'idlessKeyStart', 'onHandle'] as const) {
    if ((options as Record<string, unknown>)[key] !== undefined) {
      throw new InvalidArgumentError({
        argument: key,
        message: `openLiveSession: ${key} is the store's (the session's handle and owed calls are in Postgres): open the same sessionId again to continue a session.`,
      });
    }
  }
  const stored = await openStoredLiveSession(pool, sessionId, agentName);
  if (stored.agent !== undefined && stored.agent !== agentName) {
    throw new InvalidArgumentError({
      argument: 'sessionId',
      message: `openLiveSession: session "${sessionId}" belongs to agent "${stored.agent}", not "${agentName}".`,
    });
  }

  // Writes in the order the session saw them: a call is recorded before the handle that holds it.
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const write = (work: () => Promise<void>): void => {
    writes = writes.then(work).catch((error: unknown) => {
      writeError ??= error;
      DBOS.logger.warn(
        `gemloop live session ${sessionId}: a store write failed (${error instanceof Error ? error.message : String(error)})`,
      );
    });
  };

  const { needsApproval: _needsApproval, ...agentOptions } = definition;
  const toolBehavior = liveOptions.toolBehavior;
  const background = (tool: FunctionTool): boolean =>
    (toolBehavior?.[tool.name] ?? tool.behavior) === 'NON_BLOCKING';
  const tools = (agentOptions.tools ?? []).map((tool: AnyTool) =>
    isFunctionTool(tool) && background(tool as FunctionTool)
      ? durableBackgroundTool(tool as FunctionTool, { sessionId, agentName, workflow })
      : tool,
  );
  const agent = createAgent({ ...agentOptions, tools });

  const tap = (event: LiveEvent): unknown => {
    if (event.type === 'tool-call' && event.behavior === 'NON_BLOCKING') {
      const call = {
        id: event.toolCallId,
        name: event.toolName,
        args: event.args,
        idless: event.idless === true,
      };
      write(() => recordLiveCall(pool, sessionId, call));
    } else if (event.type === 'tool-error' && event.outcome === 'cancelled') {
      const id = event.toolCallId;
      write(async () => {
        await cancelLiveCall(pool, sessionId, id);
        // The server will take no answer: the tool is stopped (DBOS's cancel), not just ignored.
        await DBOS.cancelWorkflow(liveToolWorkflowId(sessionId, id));
      });
    }
    // Returned: the session logs an async tap's rejection (attack25).
    return onEvent?.(event);
  };
  const session = await createLiveSession(agent, {
    ...liveOptions,
    ...(stored.handle === undefined
      ? {}
      : { resumeHandle: stored.handle, pendingCalls: stored.owed }),
    idlessKeyStart: await idlessKeyStart(sessionId, stored.idlessKeyStart),
    onEvent: tap,
    onHandle: (update) => write(() => storeLiveHandle(pool, sessionId, update)),
  });
  return Object.assign(session, {
    sessionId,
    async stored(): Promise<void> {
      await writes;
      if (writeError !== undefined) throw writeError;
    },
  });
}

/**
 * Where this process's id-less calls' keys start: past every key the session's calls were
 * recorded with, and past every key its workflows were started with. A new call's key is its
 * workflow's id: one of an earlier call's (answered, or started in a crash before its record was
 * written) was met as that call's, and its stored result answered the new call.
 */
async function idlessKeyStart(sessionId: string, recorded: number): Promise<number> {
  const prefix = liveToolWorkflowId(sessionId, '');
  const workflows = await DBOS.listWorkflows({
    workflow_id_prefix: liveToolWorkflowsPrefix(sessionId),
    loadInput: false,
    loadOutput: false,
  });
  const keys = workflows.flatMap(({ workflowID }) =>
    workflowID.startsWith(prefix) ? [workflowID.slice(prefix.length)] : [],
  );
  return nextIdlessKey(keys, recorded);
}

/**
 * A background tool whose `execute` starts (or, in a resumed session, finds) the call's DBOS
 * workflow and awaits its recorded outcome. An aborted signal (the session closed, the tool's time
 * limit) leaves the workflow running: a session opened again with the id delivers its result.
 * @internal
 */
export function durableBackgroundTool(
  tool: FunctionTool,
  {
    sessionId,
    agentName,
    workflow,
  }: { sessionId: string; agentName: string; workflow: LiveToolWorkflow },
): FunctionTool {
  const durable: FunctionTool = Object.create(tool);
  Object.defineProperty(durable, 'execute', {
    enumerable: true,
    value: async (args: unknown, context: ToolExecuteContext): Promise<unknown> => {
      const workflowID = liveToolWorkflowId(sessionId, context.toolCallId);
      // A workflow id runs once: a resumed session meets the crashed process's workflow (which
      // DBOS recovers), or starts it if the crash came before it started.
      const existing = await DBOS.getWorkflowStatus(workflowID);
      const handle =
        existing === null
          ? await durableStartWorkflow(
              workflow,
              { workflowID },
              { agent: agentName, tool: tool.name, toolCallId: context.toolCallId, args },
            )
          : DBOS.retrieveWorkflow<LiveToolOutcome>(workflowID);
      const outcome = await abortable(
        handle.getResult() as Promise<LiveToolOutcome>,
        context.signal,
      );
      // A toolResult() made again from the record (its JSON lost the mark), data of its shape as
      // data; a record from before the mark by the shape, as it was delivered then (toolresult45).
      if (outcome.ok) return fromToolResultMark(outcome.value, outcome.toolResult);
      throw thrownFromRecord(outcome);
    },
  });
  return durable;
}

/** `promise`, or a rejection with the signal's reason when it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
