import type { Agent } from '@gemloop/core';
import type { HistoryStore } from '@gemloop/core/chat';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import type { ApprovalBroker, RunOwner } from '@gemloop/core/web';
import type { DoorBodyBudgetOptions } from '../door/body-budget.ts';
import type { DoorHeartbeatOptions } from '../door/heartbeat.ts';
import type { DoorAccessOptions } from '../door/host-policy.ts';
import type { RateLimit } from '../openai/rate-limiter.ts';
import type { AgUiStateOptions } from './ag-ui-state.ts';

/** Options of {@link createAgUiHandler}. */
export type AgUiHandlerOptions = DoorAccessOptions &
  DoorHeartbeatOptions &
  DoorBodyBudgetOptions & {
    /** The agent each run talks to; its tools run on the server. */
    agent: Agent;
    /**
     * Who is calling: the request's owner (a user's or tenant's id, never the credential itself),
     * or `null`/`undefined` to refuse it with 401. AG-UI's `HttpAgent` sends the `headers` it was
     * made with (`Authorization: Bearer <token>`). Each thread is its first caller's only
     * (`isRunOwner` of `@gemloop/core/web`); another owner's `threadId` answers 404.
     */
    authorize: (
      request: Request,
    ) => RunOwner | null | undefined | Promise<RunOwner | null | undefined>;
    /**
     * Approvals as AG-UI interrupts: give the agent the broker's `beforeToolCall`
     * (`createApprovalBroker` of `@gemloop/core/web`) and the broker here. A call that needs
     * approval ends the AG-UI run with `RUN_FINISHED` `outcome: { type: 'interrupt' }`, one
     * interrupt per call (`reason: 'tool_approval'`, its `toolCallId`); the next run's `resume`
     * answers each with `{ status: 'resolved', payload: { approved: true } }` (or `approved: false`
     * and a `message` the model reads; `cancelled` denies) and streams the rest of the run.
     */
    approvals?: ApprovalBroker | undefined;
    /**
     * Where the threads keep their turns (a gemloop chat session per thread).
     * @defaultValue a store in memory, bounded by `maxThreads`, each thread keeping its newest
     * turns within 4 MiB and all of them within 256 MiB (`createDoorHistoryStore()` of
     * `@gemloop/serve/doors`: past 4 MiB the oldest whole turns are dropped, past 256 MiB the least
     * recently used whole threads of the caller holding the most are evicted)
     */
    store?: HistoryStore | undefined;
    /**
     * Threads held at most; past it the least recently used idle one of the caller holding the
     * most is forgotten (a caller making up thread ids pushes out their own). @defaultValue 1000
     */
    maxThreads?: number | undefined;
    /**
     * The largest request body in bytes; a larger one is answered 413 naming this limit, the
     * size seen and this option. Media comes inline as base64 (a third larger than its bytes), so
     * a 20 MB photo is a 27 MB body. @defaultValue 32 MiB
     */
    maxBodyBytes?: number | undefined;
    /**
     * Runs per owner and window, past which the door answers 429 with `retry-after`; `false`
     * turns the limit off (a gateway in front does it). @defaultValue 60 runs a minute
     */
    rateLimit?: RateLimit | false | undefined;
    /**
     * The characters of a tool's result sent in `TOOL_CALL_RESULT` (its JSON, cut); `0` sends
     * none (only that the call ended). @defaultValue 2000
     */
    maxToolResultChars?: number | undefined;
    /**
     * Send the model's thought summaries (the agent's `thinking: { includeThoughts: true }`) as
     * AG-UI reasoning events: per step, `REASONING_START`, `REASONING_MESSAGE_START` (`role:
     * "reasoning"`), `REASONING_MESSAGE_CONTENT`..., `REASONING_MESSAGE_END`, `REASONING_END`.
     * Only the top-level agent's; a subagent's stay inside its tool call. @defaultValue false: a
     * frontend does not get thoughts unless the server says so (as the browser protocol)
     */
    thoughts?: boolean | undefined;
    /**
     * Shared state (AG-UI's `STATE_SNAPSHOT`/`STATE_DELTA`): a JSON state per thread, changed by
     * `reduce` from the run's events. Each AG-UI run sends `STATE_SNAPSHOT` after `RUN_STARTED`,
     * then a `STATE_DELTA` (JSON Patch) for each change. @defaultValue none: no state events
     */
    state?: AgUiStateOptions | undefined;
    /**
     * Gets each error behind a `RUN_ERROR` or a 500: a run that failed, a store that failed, an
     * `authorize` that threw. The caller gets fixed words and a code; the details are here, for
     * the server's log. @defaultValue nothing
     */
    onError?: ((error: unknown) => void) | undefined;
    /** The clock, in ms since the epoch (the rate limit's windows). @defaultValue Date.now */
    now?: (() => number) | undefined;
    /**
     * Traces each run the door starts: a `{door} {operation}` span around it (`openai
     * chat.completions`, `mcp tools/call`, `ag-ui run`, `a2a SendMessage`), the parent of the
     * agent's own run spans, without the caller, the text or a thrown message.
     * @defaultValue the globally registered tracer provider, if any
     */
    tracerProvider?: OtelTracerProvider | undefined;
  };
