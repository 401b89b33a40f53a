import { type BaseEvent, EventType, type Interrupt, type Message } from '@ag-ui/core';
import type { AgentEvent } from '@gemloop/core';
import type { ChatStream } from '@gemloop/core/chat';
import {
  type ApprovalListener,
  approvalBrokerInternals,
  type PendingApproval,
} from '@gemloop/core/internal';
import type { ApprovalBroker, RunOwner } from '@gemloop/core/web';
import type { StateTracker } from './ag-ui-state.ts';
import { createAgUiEventMapper } from './to-ag-ui-events.ts';

/**
 * A gemloop run of a thread, which may outlive the AG-UI run that started it: when a tool call
 * waits for approval (the broker's `beforeToolCall`), the AG-UI run ends with an interrupt
 * (`RUN_FINISHED` with `outcome: { type: 'interrupt' }`, AG-UI 1.0's human-in-the-loop;
 * https://docs.ag-ui.com/concepts/interrupts) while the gemloop run keeps waiting; the next AG-UI
 * run's `resume` answers it, and that run streams the rest of the same gemloop run. @internal
 */
export type LiveRun = {
  /** The approvals this run waits for, by id (the interrupts' ids). */
  readonly pending: Map<string, PendingApproval>;
  /**
   * The interrupts nobody answered within the broker's `timeoutMs`: the run was aborted then (no
   * model call to tell it of a denial no client would read), and a `resume` of one is answered
   * 409 `interrupt_expired`.
   */
  readonly expired: ReadonlySet<string>;
  /** Aborts the gemloop run (a client gone, the thread replaced or forgotten). */
  readonly abort: AbortController;
  /**
   * Pulls events into `send` until the run ends (`finished`) or waits for an answer
   * (`interrupted`); `messages` are the client's, which a retraction's snapshot keeps.
   */
  pump(
    send: (event: BaseEvent) => void,
    messages: readonly Message[],
  ): Promise<'finished' | 'interrupted'>;
  /** The AG-UI events that close what a stream left open (a text message). */
  close(): BaseEvent[];
  /** The AG-UI id the call with these arguments was shown with (unique in the run). */
  callIdOf(rawArgs: object, toolCallId: string): string;
  /** The run's result (rejects as the run failed). */
  readonly result: Promise<{ text: string }>;
  /** The id of the AG-UI run that started it, which its call ids carry. */
  readonly runId: string;
  /** The shared state now (JSON), `undefined` when the door keeps none. */
  state(): unknown;
  /** Stops listening to the broker. */
  dispose(): void;
};

/** The chat stream a live run follows, its result what the door shows of the run's. @internal */
export type LiveRunStream = Omit<ChatStream, 'result'> & {
  readonly result: Promise<{ text: string }>;
};

/** Starts following a chat stream; `abort` is the controller its signal follows. @internal */
export function createLiveRun(options: {
  /** Its result: the answer's text, the whole result for a door with a state (`reduce` reads it). */
  stream: LiveRunStream;
  abort: AbortController;
  approvals: ApprovalBroker | undefined;
  owner: RunOwner;
  runId: string;
  maxToolResultChars: number;
  thoughts: boolean;
  /** The thread's shared state, when the door keeps one. */
  state?: StateTracker | undefined;
}): LiveRun {
  const { stream, abort, state } = options;
  const events = stream[Symbol.asyncIterator]() as AsyncIterator<AgentEvent>;
  const mapper = createAgUiEventMapper(options);
  const pending = new Map<string, PendingApproval>();
  const expired = new Set<string>();
  const seen = new WeakSet<object>();
  let next: Promise<IteratorResult<AgentEvent>> | undefined;
  let wake: (() => void) | undefined;
  const broker = approvalBrokerInternals(options.approvals);
  const listener: ApprovalListener = {
    runId: options.runId,
    owner: options.owner,
    owns: (rawArgs) => seen.has(rawArgs),
    pending(approval) {
      pending.set(approval.approvalId, approval);
      wake?.();
    },
    resolved(approvalId) {
      pending.delete(approvalId);
    },
    expired(approvalId) {
      // An interrupt waits with no stream open: the AG-UI run that showed it has ended, so no
      // client reads what the run would do with the denial. It ends here, before its model call.
      if (expired.size < 100) expired.add(approvalId);
      abort.abort(new Error('No one answered the interrupt within the approval timeout.'));
    },
  };
  const stopListening = broker?.listen(listener);
  const result = stream.result;
  result.catch(() => {});

  return {
    runId: options.runId,
    pending,
    expired,
    abort,
    result,
    close: () => mapper.close(),
    callIdOf: (rawArgs, toolCallId) => mapper.callIdOf(rawArgs, toolCallId),
    dispose: () => stopListening?.(),
    state: () => state?.current(),
    async pump(send, messages) {
      mapper.base(messages);
      // Every AG-UI run opens with the whole state: a client that resumes, or reconnects, syncs.
      if (state !== undefined) send(state.snapshot());
      for (const each of mapper.reopen()) send(each);
      for (;;) {
        if (pending.size > 0) {
          // The other calls of the same turn ask in the same tick or the next: one interrupt
          // each, in one AG-UI run.
          await new Promise((resolve) => setTimeout(resolve, 0));
          return 'interrupted';
        }
        // A pull an interrupt left waiting is kept for the run that resumes: one pull at a time.
        next ??= events.next();
        const woken = new Promise<'wake'>((resolve) => {
          wake = () => resolve('wake');
        });
        const step = await Promise.race([next, woken]);
        wake = undefined;
        if (step === 'wake') continue;
        next = undefined;
        if (step.done === true) return 'finished';
        for (const each of mapper.map(step.value)) send(each);
        if (state !== undefined) for (const each of state.map(step.value)) send(each);
        const event = step.value;
        if (event.type === 'tool-call' && broker !== undefined) {
          // After the call itself, as the browser protocol does: the client learns of the call,
          // then that it waits. Paired by the arguments object, never by an id the model chose.
          seen.add(event.args);
          broker.claim(event.args, listener);
        }
      }
    },
  };
}

/** The interrupt that asks for an approval: `resume` answers it with `{ approved, message? }`. @internal */
export function toInterrupt(approval: PendingApproval, live: LiveRun): Interrupt {
  return {
    id: approval.approvalId,
    reason: 'tool_approval',
    // The id the call was shown with: paired by its arguments, as the broker pairs them.
    toolCallId: live.callIdOf(approval.rawArgs, approval.toolCallId),
    message: `Approve the call of ${approval.toolName}?`,
    // AG-UI's own field: `@ag-ui/client` refuses to resume an expired interrupt, in words.
    expiresAt: new Date(approval.expiresAt).toISOString(),
    responseSchema: {
      type: 'object',
      properties: {
        approved: { type: 'boolean' },
        message: { type: 'string', description: 'Why not: the model reads it.' },
      },
      required: ['approved'],
    },
  };
}

/** `RUN_FINISHED` for an AG-UI run that waits for answers. @internal */
export function interruptedRun(threadId: string, runId: string, live: LiveRun): BaseEvent {
  return {
    type: EventType.RUN_FINISHED,
    threadId,
    runId,
    outcome: {
      type: 'interrupt',
      interrupts: [...live.pending.values()].map((each) => toInterrupt(each, live)),
    },
  } as BaseEvent;
}
