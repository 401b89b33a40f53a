import type { TaskStore } from '@a2a-js/sdk/server';
import type { Agent } from '@gemloop/core';
import type { HistoryStore } from '@gemloop/core/chat';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import type { ApprovalBroker, RunOwner } from '@gemloop/core/web';
import type { DoorBodyBudgetOptions } from '../door/body-budget.ts';
import type { DoorHeartbeatOptions } from '../door/heartbeat.ts';
import type { DoorAccessOptions } from '../door/host-policy.ts';
import type { ProtectedResource } from '../door/protected-resource.ts';
import type { RateLimit } from '../openai/rate-limiter.ts';
import type { A2ADurableOptions } from './durable/durable-a2a-runs.ts';
import type { PushNotificationOptions } from './push/push-notification-options.ts';

/** What the agent card says of the agent (https://a2a-protocol.org/v1.0.0/specification/#55-agentcard-object-structure). */
export type A2AAgentCardOptions = {
  /** The agent's name, as other agents see it. */
  name: string;
  /** What it does: a calling agent's model reads it to decide when to delegate. */
  description: string;
  /** The card's `version`. @defaultValue `'1.0.0'` */
  version?: string | undefined;
  /**
   * What the agent can do, each `{ id, name, description, tags?, examples? }`.
   * @defaultValue one skill named after the agent, with its description
   */
  skills?:
    | readonly {
        id: string;
        name: string;
        description: string;
        tags?: readonly string[] | undefined;
        examples?: readonly string[] | undefined;
      }[]
    | undefined;
  /** The organisation behind the agent (`provider` of the card). */
  provider?: { organization: string; url: string } | undefined;
};

/** Options of {@link createA2AHandler}. */
export type A2AHandlerOptions = DoorAccessOptions &
  DoorHeartbeatOptions &
  DoorBodyBudgetOptions & {
    /** The agent each task runs; its tools run on the server. Left out with `durable`. */
    agent?: Agent | undefined;
    /** What the agent card at `/.well-known/agent-card.json` says of it. */
    card: A2AAgentCardOptions;
    /**
     * Who is calling: the request's owner (a user's or tenant's id, never the credential itself),
     * or `null`/`undefined` to refuse it with 401. The A2A SDK's client sends the headers its
     * `fetchImpl` adds (`Authorization: Bearer <token>`). A caller reads, cancels, resubscribes to
     * and sets push notifications on its own tasks only: another owner's task id is answered as an
     * unknown one (`TaskNotFoundError`), and each caller's `contextId`s are its own.
     */
    authorize: (
      request: Request,
    ) => RunOwner | null | undefined | Promise<RunOwner | null | undefined>;
    /**
     * Approvals as A2A's `input-required`: give the agent the broker's `beforeToolCall`
     * (`createApprovalBroker` of `@gemloop/core/web`) and the broker here. A call that needs
     * approval makes its task `TASK_STATE_INPUT_REQUIRED`, the status message asking in words
     * (`Approve the call of refund_order? ...`) with `metadata.approvals` (each call's
     * `approvalId`, `toolName`, `toolCallId`, redacted `args`); the client's next message on the
     * task (`taskId` set) answers it: text `approve` or `deny: <reason>`, or a data part
     * `{ approved, message? }` or `{ approvals: { [approvalId]: { approved, message? } } }`. The
     * same run goes on; an answer that is neither asks again. Not with `durable` (yet).
     */
    approvals?: ApprovalBroker | undefined;
    /**
     * The door as an OAuth 2.0 resource server (`createProtectedResource` of
     * `@gemloop/serve/doors`): its metadata is served at its well-known path, a 401 names it in
     * `WWW-Authenticate`, and the card declares a bearer scheme that every call requires. Token
     * checks stay in `authorize` (`authorizeBearer`).
     */
    protectedResource?: ProtectedResource | undefined;
    /**
     * The public URL of the JSON-RPC endpoint, written in the card's `supportedInterfaces`.
     * @defaultValue the origin and path the card was requested at (behind a proxy that rewrites
     * the host, set it)
     */
    url?: string | undefined;
    /**
     * Where tasks are kept (the SDK's `TaskStore`: `InMemoryTaskStore`, or `DatabaseTaskStore`
     * of `@a2a-js/sdk/server/database`). It must scope tasks by `context.user.userName`, as the
     * SDK's stores do: that is the caller's owner id.
     * @defaultValue tasks in memory, scoped as the SDK's `InMemoryTaskStore` scopes them, bounded
     * by `maxTasks`
     */
    taskStore?: TaskStore | undefined;
    /**
     * Each task a durable run (`@gemloop/dbos`): `{ runs: await createDurableRuns(...), agent }`.
     * The task's id is the run's id and the caller its `owner`; any worker of the fleet runs it and
     * takes it over after a crash, and a resubscribe, `GetTask` or `CancelTask` through any door
     * with the same runs and a shared `taskStore` (`createPostgresTaskStore` of `@gemloop/dbos/a2a`)
     * follows the run from its stored events, or cancels it. Give the shared `taskStore` with it.
     * Each task is one run: the context's earlier tasks are not its history, and a message to a
     * task that exists is rejected. `agent` above stays the card's agent.
     */
    durable?: A2ADurableOptions | undefined;
    /**
     * Tasks the default store holds at most; past it the least recently updated task that has
     * ended, of the caller holding the most tasks, is forgotten (`GetTask` then answers
     * `TaskNotFoundError`): a caller who keeps sending pushes out their own. @defaultValue 10000
     */
    maxTasks?: number | undefined;
    /**
     * Bytes the default store's tasks hold at most together (the UTF-8 bytes of their JSON: history,
     * artifacts, status); past it the least recently updated tasks that have ended, of the caller
     * holding the most bytes, are forgotten, as past `maxTasks` (`GetTask` then answers
     * `TaskNotFoundError`). Without it 10,000 tasks of a few MB each could hold gigabytes. A
     * working task is never forgotten. @defaultValue 268435456 (256 MiB)
     */
    maxTotalTaskBytes?: number | undefined;
    /**
     * Resubscribers (`SubscribeToTask`, `tasks/resubscribe`) one task of a caller holds at once:
     * past it a resubscribe is refused with `UnsupportedOperationError` (-32004) until one of
     * them ends. Room for a user's tabs and for reconnections whose dropped streams the server has
     * not noticed yet. @defaultValue 32
     */
    maxSubscribersPerTask?: number | undefined;
    /**
     * Where each context's turns are kept (a gemloop chat session per caller and `contextId`).
     * @defaultValue a store in memory, bounded by `maxContexts`, each context keeping its newest
     * turns within 4 MiB and all of them within 256 MiB (`createDoorHistoryStore()` of
     * `@gemloop/serve/doors`: past 4 MiB the oldest whole turns are dropped, past 256 MiB the least
     * recently used whole contexts of the caller holding the most are evicted)
     */
    store?: HistoryStore | undefined;
    /** Contexts held at most; past it the least recently used idle one is forgotten. @defaultValue 1000 */
    maxContexts?: number | undefined;
    /**
     * Push notifications (a webhook the caller registers per task), or `false` to turn them off
     * (the card says so and the methods answer `PushNotificationNotSupportedError`).
     * @defaultValue on, to public addresses only
     */
    pushNotifications?: PushNotificationOptions | false | undefined;
    /**
     * Serve A2A v0.3 clients too, through the SDK's compatibility layer: a request without an
     * `A2A-Version` header (v0.3 sends none) gets v0.3's card and methods (`message/send`,
     * `message/stream`, `tasks/get`, `tasks/cancel`, `tasks/resubscribe`,
     * `tasks/pushNotificationConfig/*`); `false` refuses them (`VersionNotSupportedError`).
     * @defaultValue true
     */
    v03?: boolean | undefined;
    /**
     * The largest request body in bytes; a larger one is answered 413 naming this limit, the
     * size seen and this option. Media comes inline as base64 (a third larger than its bytes), so
     * a 20 MB photo is a 27 MB body. @defaultValue 32 MiB
     */
    maxBodyBytes?: number | undefined;
    /**
     * Requests per owner and window, past which the door answers 429 with `retry-after`; `false`
     * turns the limit off (a gateway in front does it). @defaultValue 60 requests a minute
     */
    rateLimit?: RateLimit | false | undefined;
    /**
     * Gets each error behind a failed task or a 500: a run that failed, a store that failed, an
     * `authorize` that threw. The caller gets fixed words; the details are here, for the server's
     * log. @defaultValue nothing
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
