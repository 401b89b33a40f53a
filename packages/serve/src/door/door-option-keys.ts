import {
  checkedWhereUsed,
  copiedOption,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  nestedOrOption,
  type OptionCheck,
  optionCheck,
  required,
} from '@gemloop/core/internal';
import type { A2AHandlerOptions } from '../a2a/a2a-handler-options.ts';
import type { AgUiHandlerOptions } from '../ag-ui/ag-ui-handler-options.ts';
import type { McpServerOptions } from '../mcp/mcp-server-options.ts';
import type { OpenAIHandlerOptions } from '../openai/openai-handler-options.ts';
import type { RateLimit } from '../openai/rate-limiter.ts';

// The keys each door takes, so a misspelt one is refused with the one meant ("Did you mean
// 'allowedHosts'?") before the door exists (attack13): a door's options are where its security
// lives, and `authorise`, `allowedHost` or `maxBodyByte` was ignored without a word, the default
// standing in its place. Each value is checked where the door reads it; the type argument makes a
// key added to a door's options without a line here a compile error.

/**
 * The doors' one whole-number check (counts, sizes, windows): a safe integer of at least `least`
 * (2 ** 60 bytes is refused, not rounded), its message saying what was given. Written three times
 * before, with two messages. @internal
 */
export function wholeNumberOption(least = 1): OptionCheck {
  return optionCheck(
    (value) => Number.isSafeInteger(value) && (value as number) >= least,
    (path, value) =>
      `${path} must be ${least === 1 ? 'a positive integer' : `an integer of at least ${least}`}; got ${describeValue(value)}.`,
  );
}

const positiveInteger = wholeNumberOption();

/**
 * `rateLimit`: `{ requests, windowMs }`, both, or `false`. Declared, so a misspelt or missing
 * field is refused with its name: `{ request: 5, windowMs: 60_000 }` and `{ windowMs: 60_000 }`
 * were taken, and the limiter compared each count with `undefined` and refused nobody. Copied with
 * the door's options (checkOptionsCopy), so the limiter reads what was checked (attack23: a getter
 * gave the check `requests: 2` and the limiter NaN). @internal
 */
export const rateLimitOption: OptionCheck = nestedOrOption(
  defineOptions<RateLimit>({
    name: 'rateLimit',
    example: '{ requests: 60, windowMs: 60_000 } (or false for none)',
    checks: { requests: required(positiveInteger), windowMs: required(positiveInteger) },
  }) as DeclaredOptions<unknown>,
  optionCheck((value) => value === false, 'rateLimit must be { requests, windowMs } or false.'),
);

/**
 * A door's `agents` map: each id and agent checked where the door reads them, the map copied with
 * the door's options (attack23: an id checked, then another agent served). @internal
 */
export const agentsMap: OptionCheck = copiedOption(checkedWhereUsed);

/** The keys of every door's access options. @internal */
export const access: Record<'allowedOrigins' | 'allowedHosts', OptionCheck> = {
  allowedOrigins: checkedWhereUsed,
  allowedHosts: checkedWhereUsed,
};
/** The keys every HTTP door has. @internal */
export const common: Record<
  'authorize' | 'maxBodyBytes' | 'rateLimit' | 'onError' | 'now' | 'tracerProvider' | 'heartbeatMs',
  OptionCheck
> = {
  authorize: checkedWhereUsed,
  heartbeatMs: checkedWhereUsed,
  maxBodyBytes: checkedWhereUsed,
  rateLimit: rateLimitOption,
  onError: checkedWhereUsed,
  now: checkedWhereUsed,
  tracerProvider: checkedWhereUsed,
};

/**
 * The keys of the bound on the bodies read at once, which every HTTP door and `mountDoors` take
 * (`DoorBodyBudgetOptions`): declared once, so each door refuses a misspelt one the same way.
 * @internal
 */
export const bodies: Record<
  'maxBodyBytesInFlight' | 'maxBodyBytesInFlightPerCaller' | 'bodyIdleTimeoutMs',
  OptionCheck
> = {
  maxBodyBytesInFlight: checkedWhereUsed,
  maxBodyBytesInFlightPerCaller: checkedWhereUsed,
  bodyIdleTimeoutMs: checkedWhereUsed,
};

/** `createOpenAIHandler`'s keys. @internal */
export const openAIKeys: DeclaredOptions<OpenAIHandlerOptions> =
  defineOptions<OpenAIHandlerOptions>({
    name: 'createOpenAIHandler',
    example: '{ agents, authorize }',
    checks: {
      ...access,
      ...common,
      ...bodies,
      agents: agentsMap,
      store: checkedWhereUsed,
      maxConversations: checkedWhereUsed,
      maxResponses: checkedWhereUsed,
      basePath: checkedWhereUsed,
    },
  });

/** `createMcpServer`'s keys. @internal */
export const mcpKeys: DeclaredOptions<McpServerOptions> = defineOptions<McpServerOptions>({
  name: 'createMcpServer',
  example: '{ agents, authorize }',
  checks: {
    ...access,
    ...common,
    ...bodies,
    agents: agentsMap,
    protectedResource: checkedWhereUsed,
    exposeTools: checkedWhereUsed,
    maxToolResultChars: checkedWhereUsed,
    store: checkedWhereUsed,
    maxSessions: checkedWhereUsed,
    maxConnections: checkedWhereUsed,
    sessionIdleMs: checkedWhereUsed,
    serverInfo: checkedWhereUsed,
  },
});

/** `createAgUiHandler`'s keys. @internal */
export const agUiKeys: DeclaredOptions<AgUiHandlerOptions> = defineOptions<AgUiHandlerOptions>({
  name: 'createAgUiHandler',
  example: '{ agent, authorize }',
  checks: {
    ...access,
    ...common,
    ...bodies,
    agent: checkedWhereUsed,
    approvals: checkedWhereUsed,
    store: checkedWhereUsed,
    maxThreads: checkedWhereUsed,
    maxToolResultChars: checkedWhereUsed,
    thoughts: checkedWhereUsed,
    state: checkedWhereUsed,
  },
});

/** `createA2AHandler`'s keys. @internal */
export const a2aKeys: DeclaredOptions<A2AHandlerOptions> = defineOptions<A2AHandlerOptions>({
  name: 'createA2AHandler',
  example: '{ agent, card, authorize }',
  checks: {
    ...access,
    ...common,
    ...bodies,
    agent: checkedWhereUsed,
    card: checkedWhereUsed,
    approvals: checkedWhereUsed,
    protectedResource: checkedWhereUsed,
    url: checkedWhereUsed,
    taskStore: checkedWhereUsed,
    durable: checkedWhereUsed,
    maxTasks: checkedWhereUsed,
    maxTotalTaskBytes: checkedWhereUsed,
    maxSubscribersPerTask: checkedWhereUsed,
    store: checkedWhereUsed,
    maxContexts: checkedWhereUsed,
    pushNotifications: checkedWhereUsed,
    v03: checkedWhereUsed,
  },
});
