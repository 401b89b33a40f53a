import {
  arrayOption,
  copiedOption,
  functionOption,
  loggerOption,
  type OptionCheck,
  objectOption,
  oneOfOption,
  optionCheck,
  stringOption,
} from '@gemloop/core/internal';

/** setTimeout's limit: the largest time limit the MCP SDK can be given. @internal */
export const MAX_MCP_TIMEOUT_MS = 2_147_483_647;

/** An object whose every value is a string (headers, environment variables). @internal */
export function stringRecordOption(message: string): OptionCheck {
  return optionCheck(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      Object.values(value).every((item) => typeof item === 'string'),
    // Names only, never the values: they are secrets as often as not.
    message,
  );
}

/*
 * The checks of the MCP options, shared by the three entry points. Each entry point's file binds
 * them to its own option type with defineOptions<...> (a missing or extra check does not compile);
 * they live here, typed only by their keys, because the option types import each other.
 */

/** The checks of the options every MCP entry point takes (less `closeClient`). @internal */
export const mcpToolsChecks: Readonly<
  Record<
    | 'prefix'
    | 'reservedNames'
    | 'filter'
    | 'timeoutMs'
    | 'mediaTypes'
    | 'onInvalidTool'
    | 'logger'
    | 'serverName'
    | 'signal',
    OptionCheck
  >
> = {
  prefix: optionCheck(
    (prefix) =>
      typeof prefix === 'string' &&
      (prefix === '' || /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(prefix)),
    (_path, prefix) =>
      `The MCP tool prefix must start with a letter or "_" and use only letters, digits, "_", ".", ":" or "-" (at most 64 characters), e.g. "github_"; got ${JSON.stringify(prefix)}.`,
  ),
  reservedNames: optionCheck(
    (names) =>
      typeof names === 'object' &&
      names !== null &&
      typeof (names as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function',
    'reservedNames must be an iterable of names (an array or a Set).',
  ),
  filter: functionOption(),
  timeoutMs: optionCheck(
    (timeoutMs) =>
      timeoutMs === false ||
      timeoutMs === Number.POSITIVE_INFINITY ||
      (typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_MCP_TIMEOUT_MS),
    (_path, timeoutMs) =>
      `The MCP tools' timeoutMs must be a positive number of milliseconds, or false or Infinity for no limit; got ${JSON.stringify(timeoutMs) ?? String(timeoutMs)}. Larger than ${MAX_MCP_TIMEOUT_MS} is not possible (setTimeout's limit).`,
  ),
  // Copied by checkOptionsCopy (attack20: a list that changed after the check threw inside).
  mediaTypes: copiedOption(
    arrayOption({
      item: (type) => typeof type === 'string',
      message: "mediaTypes must be an array of media types such as 'image/png' or 'image/*'.",
    }),
  ),
  onInvalidTool: oneOfOption(
    ['throw', 'skip'],
    (_path, value) => `onInvalidTool must be 'throw' or 'skip', got ${JSON.stringify(value)}.`,
  ),
  logger: loggerOption,
  serverName: stringOption(),
  signal: objectOption('signal must be an AbortSignal.'),
};

/** What `connectMcpStdio` and `connectMcpHttp` add to them. @internal */
export const mcpConnectChecks: Readonly<
  Record<'connectTimeoutMs' | 'clientInfo' | 'elicitation' | 'sampling', OptionCheck>
> = {
  elicitation: optionCheck(
    (value) =>
      typeof value === 'function' ||
      (typeof value === 'object' &&
        value !== null &&
        Object.entries(value).every(
          ([mode, handler]) =>
            (mode === 'form' || mode === 'url') &&
            (handler === undefined || typeof handler === 'function'),
        )),
    'elicitation must be a function (request) => answer, or { form?, url? } with one such function per mode.',
  ),
  sampling: optionCheck((value) => {
    const policy = value as {
      gemini?: { generateContent?: unknown };
      model?: unknown;
      allowedServers?: unknown;
      maxTokens?: unknown;
      approve?: unknown;
    } | null;
    return (
      typeof policy === 'object' &&
      policy !== null &&
      typeof policy.gemini?.generateContent === 'function' &&
      typeof policy.model === 'string' &&
      policy.model !== '' &&
      Array.isArray(policy.allowedServers) &&
      policy.allowedServers.every((name) => typeof name === 'string') &&
      (policy.maxTokens === undefined ||
        (Number.isInteger(policy.maxTokens) && (policy.maxTokens as number) > 0)) &&
      (policy.approve === undefined || typeof policy.approve === 'function')
    );
  }, "sampling must be { gemini, model, allowedServers, maxTokens?, approve? }: the client that answers, its model, the names of the servers allowed to sample (e.g. ['notes']), and a positive whole token cap; e.g. { gemini, model: 'gemini-2.5-flash', allowedServers: ['notes'] }."),
  connectTimeoutMs: optionCheck(
    (ms) => typeof ms === 'number' && ms > 0 && ms <= MAX_MCP_TIMEOUT_MS,
    'connectTimeoutMs must be a positive number of milliseconds.',
  ),
  clientInfo: optionCheck(
    (info) =>
      typeof info === 'object' &&
      info !== null &&
      typeof (info as { name?: unknown }).name === 'string' &&
      typeof (info as { version?: unknown }).version === 'string',
    "clientInfo must be { name, version }, e.g. { name: 'my-app', version: '1.0.0' }.",
  ),
};
