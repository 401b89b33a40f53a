import type { Agent } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { checkOptionsCopy, checkReceiverNames } from '@gemloop/core/internal';
import { isFunctionTool } from '@gemloop/core/tools';
import { type BodyBudgetSettings, checkBodyBudgetOptions } from '../door/body-budget.ts';
import { DOOR_DEFAULTS, wholeOption } from '../door/check-door-options.ts';

/**
 * The MCP door's default body limit: 1 MiB, below the media doors' 32 MiB. An MCP request is a
 * JSON-RPC message whose tool arguments a host model writes (`ask_<agent>` takes a string): no
 * client sends an image through it, so the bound a flood meets stays where it was. @internal
 */
export const MCP_MAX_BODY_BYTES: number = 1024 * 1024;

import { mcpKeys } from '../door/door-option-keys.ts';
import { heartbeatOption } from '../door/heartbeat.ts';
import { checkAllowedHosts, type HostPolicy } from '../door/host-policy.ts';
import { checkAllowedOrigins, type OriginPolicy } from '../door/origin-policy.ts';
import type { RateLimit } from '../openai/rate-limiter.ts';
import type { ExposedTool, McpServerOptions } from './mcp-server-options.ts';

/**
 * An exposed tool's result, in characters: about 25,000 tokens, Claude Code's default limit on an
 * MCP tool's output (`MAX_MCP_OUTPUT_TOKENS`, https://code.claude.com/docs/en/mcp). Unlike AG-UI's
 * `maxToolResultChars` (2000, a preview for a page: the model got the whole result), this is the
 * answer itself, so it is cut only where a client would not read it anyway.
 */
const DEFAULT_MAX_TOOL_RESULT_CHARS = 100_000;
// MCP tool names are 1 to 64 of [A-Za-z0-9_.-] (spec 2025-11-25, "Tool names"); `ask_` takes 4.
const AGENT_NAME = /^[A-Za-z0-9_-]{1,60}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where a JSON schema has an own key named `__proto__`, as dotted keys (`properties.__proto__`),
 * or `undefined`. Anywhere, not only where the SDK's client drops it (the schema's top and its
 * `properties`): one rule to state, and a nested one is the same trap for a client that copies.
 */
function protoKeyPlace(schema: unknown): string | undefined {
  const pending: [unknown, string[]][] = [[schema, []]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (Object.hasOwn(value, '__proto__')) return [...path, '__proto__'].join('.');
    for (const [key, child] of Object.entries(value)) pending.push([child, [...path, key]]);
  }
  return undefined;
}

/** The options of `createMcpServer` once checked, with their defaults. @internal */
export type McpSettings = BodyBudgetSettings & {
  agents: McpServerOptions['agents'];
  authorize: McpServerOptions['authorize'];
  protectedResource: McpServerOptions['protectedResource'];
  /** The pages `allowedOrigins` admits. */
  allowedOrigins: OriginPolicy;
  /** The host names `allowedHosts` admits. */
  allowedHosts: HostPolicy;
  exposeTools: readonly ExposedTool[];
  maxToolResultChars: number;
  serverInfo: { name: string; version: string };
  maxSessions: number;
  maxConnections: number;
  /** Closes a session idle this long, in ms; 0 never. */
  sessionIdleMs: number;
  maxBodyBytes: number;
  /** The SSE keep-alive interval in ms (the SDK's `keepAliveMs`), 0 for none. */
  heartbeatMs: number;
  rateLimit: RateLimit | false;
  now: () => number;
  onError: (error: unknown) => void;
};

/** The options of `createMcpServer`, checked, with their defaults. @internal */
export function checkMcpOptions(given: McpServerOptions): McpSettings {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message });
  };
  if (!isRecord(given)) fail('options', 'createMcpServer takes an options object: { agents }.');
  // Each option read once, `rateLimit` and the `agents` map too (attack23), and checked.
  const options = checkOptionsCopy(mcpKeys, given);
  if (!isRecord(options.agents) || Object.keys(options.agents).length === 0) {
    fail('agents', 'agents must name at least one agent: { agents: { support: agent } }.');
  }
  for (const [name, agent] of Object.entries(options.agents)) {
    if (!AGENT_NAME.test(name)) {
      fail(
        'agents',
        `agents: the name "${name.slice(0, 80)}" must be 1 to 60 letters, digits, _ and - (it becomes the MCP tool ask_<name>).`,
      );
    }
    if (!isRecord(agent) || typeof (agent as { stream?: unknown }).stream !== 'function') {
      fail('agents', `agents["${name}"] must be an agent from createAgent().`);
    }
    // A session's chat finds a hand-off's holder by name.
    checkReceiverNames(agent as Agent<unknown>, {
      caller: `createMcpServer: agents["${name}"]`,
      argument: 'agents',
    });
  }
  if (options.authorize !== undefined && typeof options.authorize !== 'function') {
    fail('authorize', 'authorize must be a function (request) => owner | null.');
  }
  const resource = options.protectedResource;
  if (
    resource !== undefined &&
    (!isRecord(resource) ||
      typeof resource.serveMetadata !== 'function' ||
      typeof resource.challenge !== 'string')
  ) {
    fail(
      'protectedResource',
      'protectedResource must come from createProtectedResource({ resource, authorizationServers }) of @gemloop/serve/doors.',
    );
  }
  // No page by default: an MCP client is a program, and the spec's MUST is against pages.
  const allowedOrigins = checkAllowedOrigins(options.allowedOrigins, []);
  const exposeTools = options.exposeTools ?? [];
  if (!Array.isArray(exposeTools)) fail('exposeTools', 'exposeTools must be an array of tools.');
  const names = new Set(Object.keys(options.agents).map((name) => `ask_${name}`));
  for (const tool of exposeTools) {
    if (!isFunctionTool(tool)) {
      fail('exposeTools', 'exposeTools takes function tools (defineTool, @gemloop/tools).');
    }
    if (names.has(tool.name)) {
      fail('exposeTools', `exposeTools: the name "${tool.name}" is used twice; rename the tool.`);
    }
    names.add(tool.name);
    const at = protoKeyPlace(tool.declaration.parametersJsonSchema ?? tool.declaration.parameters);
    if (at !== undefined) {
      fail(
        'exposeTools',
        `exposeTools: the tool "${tool.name}" has a key named "__proto__" in its parameter schema (at ${at}); MCP clients cannot be shown it (the MCP SDK's client drops the key from tools/list, and a client copying the schema by assignment sets a prototype instead): rename the parameter.`,
      );
    }
  }
  // 300 a minute, not the other doors' 60: every POST, GET and DELETE of a session counts.
  const rateLimit = options.rateLimit ?? { ...DOOR_DEFAULTS.rateLimit, requests: 300 };
  if (options.now !== undefined && typeof options.now !== 'function') {
    fail('now', 'now must be a function returning the time in ms.');
  }
  const maxBodyBytes = wholeOption(options.maxBodyBytes, 'maxBodyBytes', MCP_MAX_BODY_BYTES);
  const info = options.serverInfo ?? { name: 'gemloop', version: '0.1.0' };
  if (!isRecord(info) || typeof info.name !== 'string' || typeof info.version !== 'string') {
    fail('serverInfo', 'serverInfo must be { name, version }, two strings.');
  }
  return {
    agents: options.agents,
    authorize: options.authorize,
    protectedResource: resource,
    allowedOrigins,
    allowedHosts: checkAllowedHosts(options.allowedHosts),
    exposeTools,
    serverInfo: { name: info.name, version: info.version },
    maxSessions: wholeOption(options.maxSessions, 'maxSessions', 1000),
    maxConnections: wholeOption(options.maxConnections, 'maxConnections', 1000),
    sessionIdleMs: sessionIdleOption(options.sessionIdleMs),
    maxBodyBytes,
    ...checkBodyBudgetOptions(options, maxBodyBytes),
    heartbeatMs: heartbeatOption(options.heartbeatMs),
    maxToolResultChars: wholeOption(
      options.maxToolResultChars,
      'maxToolResultChars',
      DEFAULT_MAX_TOOL_RESULT_CHARS,
    ),
    rateLimit,
    now: options.now ?? Date.now,
    onError: (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // A logging hook that throws must not turn an answer into another failure.
      }
    },
  };
}

/** An hour: generous for a client that pauses between calls, short of holding it for days. */
const DEFAULT_SESSION_IDLE_MS = 3_600_000;

/** `setTimeout`'s longest delay: a longer one fires at once. */
const LONGEST_TIMER_MS = 2_147_483_647;

/** `sessionIdleMs`, checked: a whole number of ms up to `setTimeout`'s longest, 0 for never. */
function sessionIdleOption(value: number | undefined): number {
  const ms = wholeOption(value, 'sessionIdleMs', DEFAULT_SESSION_IDLE_MS, 0);
  if (ms > LONGEST_TIMER_MS) {
    throw new InvalidArgumentError({
      argument: 'sessionIdleMs',
      message: `sessionIdleMs must be at most ${LONGEST_TIMER_MS} (about 24.8 days), or 0 to never close an idle session; got ${ms}.`,
    });
  }
  return ms;
}
