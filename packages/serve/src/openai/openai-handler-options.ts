import type { Agent } from '@gemloop/core';
import type { HistoryStore } from '@gemloop/core/chat';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import type { RunOwner } from '@gemloop/core/web';
import type { DoorBodyBudgetOptions } from '../door/body-budget.ts';
import type { DoorHeartbeatOptions } from '../door/heartbeat.ts';
import type { DoorAccessOptions } from '../door/host-policy.ts';
import type { RateLimit } from './rate-limiter.ts';

/** Options of {@link createOpenAIHandler}. */
export type OpenAIHandlerOptions = DoorAccessOptions &
  DoorHeartbeatOptions &
  DoorBodyBudgetOptions & {
    /**
     * The agents served, by the model id a caller names in `model` (`GET /v1/models` lists them):
     * `{ 'support-agent': agent }`. Ids are 1 to 128 characters.
     */
    agents: Readonly<Record<string, Agent>>;
    /**
     * Who is calling: the request's owner (a user's or tenant's id, never the credential itself),
     * or `null`/`undefined` to refuse it with 401. Read the `Authorization: Bearer <key>` header
     * the `openai` client sends with its `apiKey`; compare keys in constant time. Every response,
     * conversation and rate-limit count is the owner's (see `isRunOwner` of `@gemloop/core/web`).
     * A throw answers 500 with a fixed message, and goes to `onError`.
     */
    authorize: (
      request: Request,
    ) => RunOwner | null | undefined | Promise<RunOwner | null | undefined>;
    /**
     * Where the Responses API's conversations keep their turns (a chat session each).
     * @defaultValue a store in memory, bounded by `maxConversations`, each conversation keeping
     * its newest turns within 4 MiB and all of them within 256 MiB (`createDoorHistoryStore()` of
     * `@gemloop/serve/doors`: past 4 MiB the oldest whole turns are dropped, and a branch from an
     * older response holds the turns up to it that are left; past 256 MiB the least recently used
     * whole conversations of the caller holding the most are evicted, and continuing one answers
     * 404)
     */
    store?: HistoryStore | undefined;
    /**
     * Conversations held at most; past it the oldest idle one of the caller holding the most is
     * forgotten (its turns cleared from the store) and its responses answer
     * `previous_response_not_found`: a caller making up conversations pushes out their own.
     * @defaultValue 1000
     */
    maxConversations?: number | undefined;
    /**
     * Responses kept for `previous_response_id` and `GET /v1/responses/{id}`; past it the oldest
     * of the caller holding the most is forgotten. @defaultValue 1000
     */
    maxResponses?: number | undefined;
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
    /** The path the API is mounted at. @defaultValue '/v1' */
    basePath?: string | undefined;
    /**
     * Gets each error the door answers 500 for: a run that failed, a store that failed, an
     * `authorize` that threw. The caller gets a fixed message and code; the details are here, for
     * the server's log. @defaultValue nothing
     */
    onError?: ((error: unknown) => void) | undefined;
    /** The clock, in ms since the epoch (`created` fields, the rate limit's windows). @defaultValue Date.now */
    now?: (() => number) | undefined;
    /**
     * Traces each run the door starts: a `{door} {operation}` span around it (`openai
     * chat.completions`, `mcp tools/call`, `ag-ui run`, `a2a SendMessage`), the parent of the
     * agent's own run spans, without the caller, the text or a thrown message.
     * @defaultValue the globally registered tracer provider, if any
     */
    tracerProvider?: OtelTracerProvider | undefined;
  };
