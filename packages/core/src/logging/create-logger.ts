import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { loadPino } from '#platform/load-pino';
import type { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  arrayOption,
  checkOptionsCopy,
  copiedOption,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  invalidOption,
  oneOfOption,
  optionCheck,
  stringOption,
} from '../options/define-options.ts';

/** The level names {@link createLogger} accepts. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Options of {@link createLogger}. */
export type CreateLoggerOptions = {
  /** @defaultValue `'info'` */
  level?: LogLevel | undefined;
  /** Where the JSON lines go: any object with `write(line)`. @defaultValue standard output */
  destination?: DestinationStream | undefined;
  /** Added to every line as `name`. */
  name?: string | undefined;
  /** More paths to redact, in pino's syntax (`user.password`, `*.token`). */
  redact?: readonly string[] | undefined;
};

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

// What JSON leaves raw and a terminal acts on: DEL, the C1 controls (U+009B is CSI on its own to a
// terminal that decodes UTF-8: `\u009b2J` clears the screen), the bidi marks, embeddings,
// overrides and isolates (CVE-2021-42574) and the line and paragraph separators; core's
// `UNPRINTABLE` without C0, which JSON already escapes (and the line's own end is one). Found in a
// serialised line only inside strings (JSON's syntax outside them is ASCII), where a `\uXXXX`
// escape reads back as the same character: the line stays JSON of the same values. GitHub's CLI
// turns the same C0 and C1 set inert in what it prints, naming `\x1B` and `\x9B` as the attack
// (https://github.com/cli/go-gh/blob/trunk/pkg/asciisanitizer/sanitizer.go).
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A serialised line with each character of {@link RAW_IN_JSON} as its JSON escape: pino's JSON
 * escapes C0 only, so a gateway's tool name (logged when its call came without a signature) put
 * a raw C1 CSI and a bidi override on the terminal that reads stdout (attack67b).
 */
function escapeRawControls(line: string): string {
  return line.replace(
    RAW_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// Credentials by key: the key option, the auth headers gemloop sends, and those a gateway or proxy
// takes (pino matches paths exactly, so names are listed rather than patterned), each also as an
// HTTP library or a copy of a Headers object spells it (`Authorization`), and `password`
// (attack20: those went into the line in clear).
const SECRET_KEYS: readonly string[] = [
  'apiKey',
  'authorization',
  'Authorization',
  '["x-goog-api-key"]',
  '["X-Goog-Api-Key"]',
  '["x-api-key"]',
  '["X-Api-Key"]',
  '["proxy-authorization"]',
  '["Proxy-Authorization"]',
  'cookie',
  'Cookie',
  'password',
];

/**
 * The paths redacted from every line, at the top level and up to three objects deep (`headers`,
 * `options.headers`, an HTTP client's `err.config.headers`): `apiKey`, `authorization`,
 * `x-goog-api-key`, `x-api-key`, `proxy-authorization` and `cookie` (in lower case and as
 * `Authorization`, `X-Goog-Api-Key`, ...), and `password`. gemloop itself never logs a key or a
 * request header; this guards what an application logs through the same logger.
 */
export const REDACTED_LOG_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => {
  const nested = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${nested}`, `*.*${nested}`, `*.*.*${nested}`];
});

/**
 * Creates a pino logger for gemloop's `logger` option, with API keys and auth headers redacted
 * (`apiKey`, `x-goog-api-key`, `authorization`, `x-api-key`, `proxy-authorization`, `cookie`,
 * also capitalised, and `password`; at the top level and up to three objects deep, as in an HTTP
 * client's `err.config.headers`). pino is loaded here, lazily; importing `@gemloop/core` does not
 * load it.
 *
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for an unknown option or
 * level, or a wrong value.
 * @example
 * ```ts
 * const gemini = createGemini({ logger: createLogger({ level: 'debug' }) });
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): PinoLogger {
  // Each option and each path read once (attack20): a getter that gave the check 'info' and pino
  // 'loud' threw pino's own Error, naming no option.
  const {
    level = 'info',
    destination,
    name,
    redact = [],
  } = checkOptionsCopy(loggerOptions, options);
  // Loaded here, not at import: pino (CommonJS) must not load when @gemloop/core is imported on
  // Node. Off Node, the bundle holds pino's browser build (console output).
  const pino = loadPino();
  const settings = (paths: readonly string[]) => ({
    level,
    redact: { paths: [...REDACTED_LOG_PATHS, ...paths], censor: '[redacted]' },
    // pino's hook on each serialised line (https://getpino.io/#/docs/api?id=streamwrite).
    hooks: { streamWrite: escapeRawControls },
    ...(name === undefined ? {} : { name }),
  });
  try {
    return destination === undefined ? pino(settings(redact)) : pino(settings(redact), destination);
  } catch (error) {
    throw refusedPath(redact, (path) => pino(settings([path]), { write: () => {} })) ?? error;
  }
}

/**
 * The first of `paths` that pino refuses alone (fast-redact's plain Error, or a TypeError for
 * `''`), as an error naming it and the syntax; `undefined` when each is taken alone.
 */
function refusedPath(
  paths: readonly string[],
  tryPath: (path: string) => unknown,
): InvalidArgumentError | undefined {
  for (const [index, path] of paths.entries()) {
    try {
      tryPath(path);
    } catch {
      return invalidOption(
        `redact[${index}]`,
        `createLogger(): redact[${index}] is not a path pino can read: ${describeValue(path)}. Write dot or bracket paths such as 'user.password', '*.token' or 'headers["x-token"]'.`,
      );
    }
  }
  return undefined;
}

/** Wrong options fail here, not as a TypeError from pino at the first line logged mid-call. */
const loggerOptions: DeclaredOptions<CreateLoggerOptions> = defineOptions<CreateLoggerOptions>({
  name: 'createLogger()',
  unknownKey: 'createLogger(): unknown option',
  example: "{ level: 'debug' }",
  checks: {
    level: oneOfOption(
      LEVELS,
      (_path, level) =>
        `createLogger(): level must be one of ${LEVELS.join(', ')}; got ${JSON.stringify(level)}.`,
    ),
    destination: optionCheck(
      (value) => typeof (value as { write?: unknown } | null)?.write === 'function',
      'createLogger(): destination must be a stream with a write(line) method, e.g. process.stderr.',
    ),
    name: stringOption({ message: 'createLogger(): name must be a string.' }),
    // Copied with the options, each path read once (attack20).
    redact: copiedOption(
      arrayOption({
        item: (path) => typeof path === 'string',
        message: "createLogger(): redact must be an array of paths such as ['user.password'].",
      }),
    ),
  },
});
