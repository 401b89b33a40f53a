import type { Agent } from '@gemloop/core';
import type { HistoryStore } from '@gemloop/core/chat';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import type { FunctionTool } from '@gemloop/core/tools';
import type { RunOwner } from '@gemloop/core/web';
import type { DoorBodyBudgetOptions } from '../door/body-budget.ts';
import type { DoorHeartbeatOptions } from '../door/heartbeat.ts';
import type { DoorAccessOptions } from '../door/host-policy.ts';
import type { ProtectedResource } from '../door/protected-resource.ts';
import type { RateLimit } from '../openai/rate-limiter.ts';

/** A tool `exposeTools` serves: any function tool (`defineTool`, `@gemloop/tools`, an MCP client's). */
// biome-ignore lint/suspicious/noExplicitAny: a list of tools holds tools of any argument type.
export type ExposedTool = FunctionTool<any, any>;

/** Options of {@link createMcpServer}. */
export type McpServerOptions = DoorAccessOptions &
  DoorHeartbeatOptions &
  DoorBodyBudgetOptions & {
    /**
     * The agents served, each as the MCP tool `ask_<name>` (`{ message, sessionId? }` → the answer
     * as text). Names are 1 to 58 letters, digits, `_` and `-`, so the tool's name stays within
     * MCP's 64 characters.
     */
    agents: Readonly<Record<string, Agent>>;
    /**
     * Who is calling over HTTP: the request's owner (a user's or tenant's id, never the credential
     * itself), or `null`/`undefined` to refuse it with 401. Read the `Authorization: Bearer <token>`
     * header; compare tokens in constant time. Every MCP session and chat session is its owner's
     * (`isRunOwner` of `@gemloop/core/web`). Required by `handler` (an HTTP door without it is
     * refused at its first request); stdio has one caller, the process that started the server.
     */
    authorize?:
      | ((request: Request) => RunOwner | null | undefined | Promise<RunOwner | null | undefined>)
      | undefined;
    /**
     * The HTTP door as an OAuth 2.0 resource server (from `createProtectedResource` of
     * `@gemloop/serve/doors`): it publishes the protected resource metadata at its well-known path
     * (RFC 9728), and its 401s carry `WWW-Authenticate: Bearer resource_metadata="..."`, so an MCP
     * client (Claude, Cursor, VS Code, the SDK's) finds the authorization server and signs in.
     * `authorize` still checks each token (`authorizeBearer`). @defaultValue none: a bare `Bearer` challenge
     */
    protectedResource?: ProtectedResource | undefined;
    /**
     * Tools also served as MCP tools of their own, called directly with no model in between (the
     * same tool objects the agents hold, for a client that wants, say, `lookup_order` itself). Their
     * names must not clash with an `ask_<name>` tool, and their parameter schemas must have no key
     * named `__proto__` (the MCP SDK's client drops it from `tools/list`; rename the parameter).
     * @defaultValue none
     */
    exposeTools?: readonly ExposedTool[] | undefined;
    /**
     * The characters of an exposed tool's result sent (its text, or its JSON); a longer one is cut
     * there and ends with how many characters were left out (`… [N characters omitted]`). The
     * answer of an `ask_<name>` tool is the agent's reply, bounded by the model's output.
     * @defaultValue 100000 (about 25,000 tokens, the most an MCP client such as Claude Code puts
     * in its context by default)
     */
    maxToolResultChars?: number | undefined;
    /**
     * Where chat sessions (`sessionId`) keep their turns.
     * @defaultValue a store in memory, bounded by `maxSessions`, each session keeping its newest
     * turns within 4 MiB and all of them within 256 MiB (`createDoorHistoryStore()` of
     * `@gemloop/serve/doors`: past 4 MiB the oldest whole turns are dropped, past 256 MiB the least
     * recently used whole sessions of the caller holding the most are evicted)
     */
    store?: HistoryStore | undefined;
    /**
     * Chat sessions held at most; past it the least recently used one of the caller holding the
     * most is forgotten (its turns cleared from the store): a caller who makes up ids pushes out
     * their own sessions, not another's. @defaultValue 1000
     */
    maxSessions?: number | undefined;
    /**
     * MCP sessions (connected HTTP clients) held at most; past it the oldest of the caller holding
     * the most is closed. @defaultValue 1000
     */
    maxConnections?: number | undefined;
    /**
     * Closes an MCP session (HTTP) that has had no request or stream open for this many ms: a
     * client gone without `DELETE` no longer holds its session until `maxConnections` pushes it
     * out. Its next request is answered 404, and an MCP client then initializes a new session (MCP
     * 2025-11-25, Transports, Session Management). A tool call still running, or a `GET` stream
     * still open, keeps its session. `0` never closes one. @defaultValue 3_600_000 (an hour)
     */
    sessionIdleMs?: number | undefined;
    /**
     * HTTP requests per owner and window (every POST, GET and DELETE counts: a tool call is one
     * POST, opening a session two, and each request of a JSON-RPC batch counts as one), past which the door answers 429 with `retry-after`; `false`
     * turns the limit off (a gateway in front does it). @defaultValue 300 requests a minute
     */
    rateLimit?: RateLimit | false | undefined;
    /** The clock, in ms since the epoch (the rate limit's windows). @defaultValue Date.now */
    now?: (() => number) | undefined;
    /** The largest HTTP request body in bytes; a larger one is answered 413. @defaultValue 1 MiB */
    maxBodyBytes?: number | undefined;
    /**
     * Gets each error the door hides from the caller behind a fixed message: a failed run, a store
     * that failed, an `authorize` that threw. @defaultValue nothing
     */
    onError?: ((error: unknown) => void) | undefined;
    /** The server's name and version in MCP's `initialize` answer. @defaultValue `{ name: 'gemloop', version: '0.1.0' }` */
    serverInfo?: { name: string; version: string } | undefined;
    /**
     * Traces each run the door starts: a `{door} {operation}` span around it (`openai
     * chat.completions`, `mcp tools/call`, `ag-ui run`, `a2a SendMessage`), the parent of the
     * agent's own run spans, without the caller, the text or a thrown message.
     * @defaultValue the globally registered tracer provider, if any
     */
    tracerProvider?: OtelTracerProvider | undefined;
  };
