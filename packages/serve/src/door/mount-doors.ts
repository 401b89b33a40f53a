import { InvalidArgumentError } from '@gemloop/core/errors';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
} from '@gemloop/core/internal';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import type { RunOwner } from '@gemloop/core/web';
import type { A2AHandlerOptions } from '../a2a/a2a-handler-options.ts';
import { createA2AHandlerSharing } from '../a2a/create-a2a-handler.ts';
import type { AgUiHandlerOptions } from '../ag-ui/ag-ui-handler-options.ts';
import { createAgUiHandlerSharing } from '../ag-ui/create-ag-ui-handler.ts';
import { MCP_MAX_BODY_BYTES } from '../mcp/check-mcp-options.ts';
import { createMcpServerSharing } from '../mcp/create-mcp-server.ts';
import type { McpServerOptions } from '../mcp/mcp-server-options.ts';
import type { FetchHandler } from '../openai/create-openai-handler.ts';
import { createOpenAIHandlerSharing } from '../openai/create-openai-handler.ts';
import type { OpenAIHandlerOptions } from '../openai/openai-handler-options.ts';
import type { RateLimit } from '../openai/rate-limiter.ts';
import {
  type BodyBudget,
  bodyBudgetOption,
  bodyIdleTimeoutOption,
  bodyShareOption,
  createBodyBudget,
} from './body-budget.ts';
import { DOOR_DEFAULTS } from './check-door-options.ts';
import { createDoorHistoryStore } from './create-door-history-store.ts';
import { access, bodies, common, wholeNumberOption } from './door-option-keys.ts';
import { admitsHost, checkAllowedHosts, hostRefusal } from './host-policy.ts';
import type { AllowedOriginsOption } from './origin-policy.ts';
import type { ProtectedResource } from './protected-resource.ts';

/** The options every door shares when mounted together; a door's own options override them. */
export type SharedDoorOptions = {
  /**
   * Who is calling, for every door: the request's owner (a user's or tenant's id, never the
   * credential), or `null`/`undefined` for a 401. See `authorizeBearer` for bearer tokens.
   */
  authorize: (
    request: Request,
  ) => RunOwner | null | undefined | Promise<RunOwner | null | undefined>;
  /**
   * Every door as an OAuth 2.0 resource server: its metadata is served at its well-known path,
   * and every door's 401 names it in `WWW-Authenticate` (`createProtectedResource`).
   */
  protectedResource?: ProtectedResource | undefined;
  /** Requests per owner and window, counted by each door. @defaultValue each door's own */
  rateLimit?: RateLimit | false | undefined;
  /** The largest request body in bytes. @defaultValue each door's own (32 MiB; MCP 1 MiB) */
  maxBodyBytes?: number | undefined;
  /**
   * The bytes of request bodies the doors read at once, all of them together: one bound they
   * share (at least each door's `maxBodyBytes`), unless a door is given its own (see
   * `maxBodyBytesInFlight` of each door). @defaultValue four times the largest `maxBodyBytes` of
   * the doors mounted (128 MiB for the default 32 MiB)
   */
  maxBodyBytesInFlight?: number | undefined;
  /**
   * The most of the shared `maxBodyBytesInFlight` one caller holds at once, at every door
   * together (see `maxBodyBytesInFlightPerCaller` of each door). @defaultValue half of
   * `maxBodyBytesInFlight`, at least the largest `maxBodyBytes` (64 MiB for the defaults)
   */
  maxBodyBytesInFlightPerCaller?: number | undefined;
  /**
   * The milliseconds a body sent to a door may go without a byte before it is cut off with 408
   * and its share of `maxBodyBytesInFlight` given back (see `bodyIdleTimeoutMs` of each door).
   * @defaultValue each door's own (10 s)
   */
  bodyIdleTimeoutMs?: number | undefined;
  /**
   * The browser pages every door admits (see {@link AllowedOriginsOption}): given here it
   * replaces each door's default, so list `'self'` too for the AG-UI door's same-host page.
   * @defaultValue each door's own (`['self']` for AG-UI, `[]` for the others)
   */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * The host names every door answers to besides loopback names and IP literals (see
   * `AllowedHostsOption`): given here it replaces each door's default, and holds for the
   * resource metadata, the 404 and `handlers` too. @defaultValue loopback names and IP literals
   *   on a loopback connection, any name otherwise
   */
  allowedHosts?: readonly string[] | undefined;
  /**
   * Every door's event-stream heartbeat: a `: ping` comment after so many ms of silence (see
   * `DoorHeartbeatOptions`). @defaultValue each door's own (15,000)
   */
  heartbeatMs?: number | false | undefined;
  /** Gets each error a door hides from its caller. */
  onError?: ((error: unknown) => void) | undefined;
  /** The clock, in ms since the epoch. @defaultValue Date.now */
  now?: (() => number) | undefined;
  /**
   * Every door's runs traced: a door span around each run, the parent of the agent's own spans.
   * @defaultValue the globally registered tracer provider, if any
   */
  tracerProvider?: OtelTracerProvider | undefined;
};

type Shared =
  | 'authorize'
  | 'rateLimit'
  | 'maxBodyBytes'
  | 'maxBodyBytesInFlight'
  | 'maxBodyBytesInFlightPerCaller'
  | 'bodyIdleTimeoutMs'
  | 'allowedOrigins'
  | 'allowedHosts'
  | 'onError'
  | 'now'
  | 'tracerProvider'
  | 'heartbeatMs';
/** A door's options with the shared ones optional. */
type DoorOptions<T> = Omit<T, Shared> & Partial<Pick<T, Shared & keyof T>>;

/** Options of {@link mountDoors}: the shared options, then each door to mount (any subset). */
export type MountDoorsOptions = SharedDoorOptions & {
  /** The OpenAI-compatible endpoint, under its `basePath` (default `/v1`). */
  openai?: DoorOptions<OpenAIHandlerOptions> | undefined;
  /** The MCP door (Streamable HTTP) at `path`. */
  mcp?: (DoorOptions<McpServerOptions> & { path?: string | undefined }) | undefined;
  /** The AG-UI endpoint at `path`. */
  agUi?: (DoorOptions<AgUiHandlerOptions> & { path?: string | undefined }) | undefined;
  /** The A2A door at `path`: its card at `<path>/.well-known/agent-card.json`. */
  a2a?: (DoorOptions<A2AHandlerOptions> & { path?: string | undefined }) | undefined;
  /**
   * Any other Fetch-API handler by the path it is mounted at (a door of your own):
   * it gets the request as it came, and the same routing, metadata and challenge.
   */
  handlers?: Readonly<Record<string, FetchHandler>> | undefined;
};

/** What {@link mountDoors} returns. */
export type MountedDoors = {
  /**
   * One Fetch-API handler for every door: `http.createServer(toNodeListener(doors.handler))`,
   * Hono on `@hono/node-server` (`new Hono<{ Bindings: HttpBindings }>()`):
   * `app.all('*', (c) => doors.handler(c.req.raw, { localAddress: c.env.incoming.socket.localAddress }))`,
   * or a Worker's `fetch`. Pass the connection where the server has one: without it a door on
   * localhost cannot tell it is on a loopback address, and refuses no rebound `Host` unless
   * `allowedHosts` is given (DNS rebinding, see `allowedHosts`).
   */
  readonly handler: FetchHandler;
  /** The paths each door answers under, by door. */
  readonly paths: Readonly<Record<string, string>>;
  /** Closes what the doors hold open (the MCP door's sessions). */
  close(): Promise<void>;
};

/** Where each door is mounted unless told otherwise. */
const DEFAULT_PATHS = { mcp: '/mcp', agUi: '/ag-ui', a2a: '/a2a' } as const;
const PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * Mounts any subset of the doors on one handler, with the options they share given once: one
 * `authorize` (so a caller is the same owner at every door), one rate limit and body limit, and
 * one OAuth protected resource whose metadata is published and named in every door's 401.
 * A request goes to the door whose path is the longest match (`/mcp` and `/mcp/...`); a request
 * no door matches is answered 404.
 *
 * @example
 * ```ts
 * const doors = mountDoors({
 *   authorize: authorizeBearer(verifyToken),
 *   openai: { agents: { support } },
 *   mcp: { agents: { support } },
 *   agUi: { agent: support },
 * });
 * createServer(toNodeListener(doors.handler)).listen(8080);
 * ```
 * @throws {@link InvalidArgumentError} for no door, a path used twice or malformed, or a door's
 *   own invalid options.
 */
// mountDoors' own keys (each door checks its own): a misspelt one is refused with the one meant
// (attack13).
const mountKeys: DeclaredOptions<MountDoorsOptions> = defineOptions<MountDoorsOptions>({
  name: 'mountDoors',
  example: '{ authorize, openai: { agents } }',
  checks: {
    ...access,
    ...common,
    ...bodies,
    protectedResource: checkedWhereUsed,
    openai: checkedWhereUsed,
    mcp: checkedWhereUsed,
    agUi: checkedWhereUsed,
    a2a: checkedWhereUsed,
    handlers: checkedWhereUsed,
  },
});

export function mountDoors(given: MountDoorsOptions): MountedDoors {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message: `mountDoors: ${message}` });
  };
  if (typeof given !== 'object' || given === null) {
    fail('options', 'takes { authorize, openai?, mcp?, agUi?, a2a?, handlers? }.');
  }
  // Each option read once, `rateLimit` too (attack23), and checked.
  const options = checkOptionsCopy(mountKeys, given);
  const { protectedResource } = options;
  const shared = {
    authorize: options.authorize,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.tracerProvider === undefined ? {} : { tracerProvider: options.tracerProvider }),
  };
  if (typeof shared.authorize !== 'function') {
    fail(
      'authorize',
      'authorize must be a function (request) => owner | null, shared by every door.',
    );
  }
  // One default history store for the doors mounted together: its maxTotalBytes (256 MiB) then
  // bounds them all, where four stores of their own held up to four times that.
  const store = createDoorHistoryStore();
  // One bound on the bodies the doors read at once, the MCP door's too (inflight57 left its 1 MiB
  // bodies out: one of its callers could still hold a share while another was refused at the
  // media doors); a door given its own keeps its own.
  const bodyBudget = sharedBodyBudget(options);
  // Checked here too, as the bound is: a door given its own bound would not read it.
  bodyIdleTimeoutOption(options.bodyIdleTimeoutMs);
  const bodyShared = {
    ...shared,
    ...(options.maxBodyBytesInFlight === undefined
      ? {}
      : { maxBodyBytesInFlight: options.maxBodyBytesInFlight }),
    ...(options.maxBodyBytesInFlightPerCaller === undefined
      ? {}
      : { maxBodyBytesInFlightPerCaller: options.maxBodyBytesInFlightPerCaller }),
    ...(options.bodyIdleTimeoutMs === undefined
      ? {}
      : { bodyIdleTimeoutMs: options.bodyIdleTimeoutMs }),
  };
  const routes: { path: string; door: string; handler: FetchHandler; ours: boolean }[] = [];
  const closers: (() => Promise<void>)[] = [];
  const mount = (door: string, path: unknown, handler: FetchHandler, ours = true) => {
    if (typeof path !== 'string' || !PATH.test(path)) {
      fail(
        door,
        `the ${door} path must look like "/mcp" (letters, digits, . _ ~ -), got ${JSON.stringify(path)}.`,
      );
    }
    const taken = routes.find((route) => route.path === path);
    if (taken !== undefined) fail(door, `${door} and ${taken.door} are both mounted at "${path}".`);
    routes.push({ path: path as string, door, handler, ours });
  };

  if (options.openai !== undefined) {
    const { basePath = '/v1', ...rest } = options.openai;
    mount(
      'openai',
      basePath,
      createOpenAIHandlerSharing(
        { ...bodyShared, store, ...rest, basePath },
        ownBudget(rest, bodyBudget),
      ),
    );
  }
  if (options.mcp !== undefined) {
    const { path = DEFAULT_PATHS.mcp, ...rest } = options.mcp;
    const door = createMcpServerSharing(
      { ...bodyShared, store, protectedResource, ...rest },
      ownBudget(rest, bodyBudget),
    );
    mount('mcp', path, door.handler());
    closers.push(() => door.close());
  }
  if (options.agUi !== undefined) {
    const { path = DEFAULT_PATHS.agUi, ...rest } = options.agUi;
    mount(
      'agUi',
      path,
      createAgUiHandlerSharing({ ...bodyShared, store, ...rest }, ownBudget(rest, bodyBudget)),
    );
  }
  if (options.a2a !== undefined) {
    const { path = DEFAULT_PATHS.a2a, ...rest } = options.a2a;
    mount(
      'a2a',
      path,
      createA2AHandlerSharing(
        { ...bodyShared, store, protectedResource, ...rest },
        ownBudget(rest, bodyBudget),
      ),
    );
  }
  for (const [path, handler] of Object.entries(options.handlers ?? {})) {
    if (typeof handler !== 'function')
      fail('handlers', `handlers["${path}"] must be a function (request) => Response.`);
    mount(`handlers["${path}"]`, path, handler, false);
  }
  if (routes.length === 0)
    fail('options', 'mount at least one door: openai, mcp, agUi, a2a or handlers.');
  // Longest first: "/mcp/admin" before "/mcp".
  routes.sort((a, b) => b.path.length - a.path.length);

  const hosts = checkAllowedHosts(options.allowedHosts);
  const handler: FetchHandler = async (request, connection) => {
    const path = new URL(request.url).pathname;
    const route = routes.find((each) => path === each.path || path.startsWith(`${each.path}/`));
    // Each door of ours checks its own `allowedHosts` (its own list may name more); this check
    // is for what none of them answers: the resource metadata, the 404, `handlers` of yours.
    if (route?.ours !== true) {
      const verdict = admitsHost(hosts, request, connection);
      if (!verdict.admitted) {
        const message = hostRefusal('this server', verdict.name);
        return new Response(JSON.stringify({ error: 'host_not_allowed', message }), {
          status: 403,
          headers: { 'content-type': 'application/json' },
        });
      }
    }
    const metadata = protectedResource?.serveMetadata(request);
    if (metadata !== undefined) return metadata;
    if (route === undefined) {
      return new Response(
        JSON.stringify({ error: 'not_found', message: 'No door is mounted at this path.' }),
        {
          status: 404,
          headers: { 'content-type': 'application/json' },
        },
      );
    }
    const response = await route.handler(request, connection);
    if (protectedResource === undefined) return response;
    const challenge = response.headers.get('www-authenticate');
    let shown: string;
    if (response.status === 401) {
      // Every door's 401 points at the metadata (the MCP and A2A doors do it themselves; the
      // others say a bare "Bearer"), so any OAuth client can find where to sign in.
      shown = protectedResource.challenge;
    } else if (
      response.status === 403 &&
      challenge?.startsWith('Bearer error="insufficient_scope"') === true &&
      !challenge.includes('resource_metadata=')
    ) {
      // A 403 for a missing scope names it too (RFC 9728 §5.1), for the step-up.
      shown = `${challenge}, resource_metadata="${protectedResource.metadataUrl}"`;
    } else {
      return response;
    }
    const headers = new Headers(response.headers);
    headers.set('www-authenticate', shown);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };

  return {
    handler,
    paths: Object.fromEntries(routes.map((route) => [route.door, route.path])),
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}

/**
 * The budget the doors mounted together share: `maxBodyBytesInFlight` as given, else
 * `DEFAULT_BODIES_IN_FLIGHT` bodies of the largest `maxBodyBytes` among them (so no door's
 * largest body is refused by the bound alone), each caller holding at most
 * `maxBodyBytesInFlightPerCaller` of it (half by default, at least that largest body);
 * `undefined` when only `handlers` are mounted. A door's `maxBodyBytes` that is not a whole
 * number is left to that door's check, which names it.
 */
function sharedBodyBudget(options: MountDoorsOptions): BodyBudget | undefined {
  const given = options.maxBodyBytesInFlight;
  const share = options.maxBodyBytesInFlightPerCaller;
  // Checked here too: a door given its own would not check the shared one, nor would none.
  if (given !== undefined) wholeNumberOption()(given, 'maxBodyBytesInFlight');
  if (share !== undefined) wholeNumberOption()(share, 'maxBodyBytesInFlightPerCaller');
  const doors = [
    ...[options.openai, options.agUi, options.a2a].map((door) => ({
      door,
      fallback: DOOR_DEFAULTS.maxBodyBytes,
    })),
    { door: options.mcp, fallback: MCP_MAX_BODY_BYTES },
  ].filter((each) => each.door !== undefined);
  if (doors.length === 0) return undefined;
  const largest = Math.max(
    ...doors.map(({ door, fallback }) => {
      const bytes = door?.maxBodyBytes ?? options.maxBodyBytes ?? fallback;
      return Number.isSafeInteger(bytes) ? bytes : fallback;
    }),
  );
  const limit = given ?? bodyBudgetOption(undefined, largest);
  return createBodyBudget(limit, share ?? bodyShareOption(undefined, largest, limit));
}

/**
 * The shared budget for a door given neither its own `maxBodyBytesInFlight` nor its own
 * `maxBodyBytesInFlightPerCaller` (either makes the door's budget its own, as the door alone).
 */
function ownBudget(
  door: {
    maxBodyBytesInFlight?: number | undefined;
    maxBodyBytesInFlightPerCaller?: number | undefined;
  },
  shared: BodyBudget | undefined,
): BodyBudget | undefined {
  const own =
    door.maxBodyBytesInFlight !== undefined || door.maxBodyBytesInFlightPerCaller !== undefined;
  return own ? undefined : shared;
}
