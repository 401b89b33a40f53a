import type { ResumeEntry } from '@ag-ui/core';
import type { AgUiHandlerOptions } from './ag-ui-handler-options.ts';
import { AgUiRequestError } from './ag-ui-request-error.ts';
import type { LiveRun } from './live-run.ts';
import type { Thread } from './thread-index.ts';

/**
 * Answers the interrupts of the thread's waiting run with the run's `resume` entries, through
 * the door's `approvals` broker, and returns that run. Refused with an {@link AgUiRequestError}:
 * 409 `interrupt_expired` for an interrupt whose run ended without it, 409 `nothing_to_resume`
 * when nothing waits, 400 `invalid_resume` for an entry the thread does not wait for or an open
 * interrupt left out. Denied unless approved in so many words. @internal
 */
export function resumeInterrupts(options: {
  thread: Thread;
  entries: ResumeEntry[];
  owner: string;
  approvals: AgUiHandlerOptions['approvals'];
}): LiveRun {
  const { thread, entries, owner, approvals } = options;
  const live = thread.live;
  const late = entries.find((entry) => live?.expired.has(entry.interruptId) === true);
  if (live !== undefined && late !== undefined) {
    throw new AgUiRequestError({
      status: 409,
      errorCode: 'interrupt_expired',
      message: `Interrupt "${late.interruptId.slice(0, 100)}" expired unanswered: the run ended without the call. Send a new message to go on.`,
    });
  }
  if (live === undefined || live.pending.size === 0) {
    throw new AgUiRequestError({
      status: 409,
      errorCode: 'nothing_to_resume',
      message: 'Nothing in this thread waits for an answer: send the run without resume.',
    });
  }
  const open = [...live.pending.keys()].filter(
    (id) => !entries.some((entry) => entry.interruptId === id),
  );
  for (const entry of entries) {
    if (!live.pending.has(entry.interruptId)) {
      throw invalidResume(
        `resume answers interrupt "${entry.interruptId.slice(0, 100)}", which this thread does not wait for (answered, expired, or never asked).`,
      );
    }
  }
  if (open.length > 0) {
    throw invalidResume(
      `resume must answer every open interrupt of the thread; missing: ${open.join(', ')}.`,
    );
  }
  for (const entry of entries) {
    const answer = entry.payload as { approved?: unknown; message?: unknown } | undefined;
    const approved = entry.status === 'resolved' && answer?.approved === true;
    const reason = typeof answer?.message === 'string' ? answer.message : undefined;
    // Denied unless approved in so many words: a cancelled interrupt or an answer of another
    // shape never runs the call.
    approvals?.answer(
      {
        approvalId: entry.interruptId,
        decision: approved ? 'approve' : 'deny',
        ...(approved || reason === undefined ? {} : { message: reason }),
      },
      { owner },
    );
  }
  return live;
}

function invalidResume(message: string): AgUiRequestError {
  return new AgUiRequestError({ status: 400, errorCode: 'invalid_resume', message });
}
