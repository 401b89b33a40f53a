import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Gemini, Logger } from '@gemloop/core';
import type { LogLevel } from '@gemloop/core/logging';
import type { CreateFakeGeminiOptions, FakeGemini, FakeScript } from '@gemloop/testing';
import { connect } from './connect.ts';
import { formatError } from './format-error.ts';
import { loadEnvFiles } from './load-env-file.ts';
import { createStyle, type Style } from './style.ts';

/** A command-line flag of an example: what node's `parseArgs` takes, plus a line of help. */
export type FlagSpec = {
  type: 'string' | 'boolean';
  short?: string | undefined;
  description: string;
};

/** The values of the flags an example declared. */
export type FlagValues<Flags extends Record<string, FlagSpec>> = {
  [Name in keyof Flags]: Flags[Name]['type'] extends 'boolean'
    ? boolean | undefined
    : string | undefined;
};

/** What a script's main function gets from {@link runScript}. */
export type Script<Flags extends Record<string, FlagSpec>> = {
  /** The script's own flags. */
  flags: FlagValues<Flags>;
  /** The words after the flags (with `positionals` in the options). */
  positionals: string[];
  /** Colours for stdout (off when piped or with NO_COLOR). */
  style: Style;
};

/** What an example's main function gets from {@link run}. */
export type Example<Flags extends Record<string, FlagSpec>> = Script<Flags> & {
  /** A client for the real API (a key is set) or for the offline fake server. */
  gemini: Gemini;
  /** `--model`, `GEMINI_MODEL`, or `gemini-3-flash-preview`. */
  model: string;
  /** Whether requests go to the built-in fake server. */
  offline: boolean;
  /** The fake server, offline: `fake.requests` shows what gemloop sent. */
  fake: FakeGemini | undefined;
  /** With `--log <level>`: a logger on stderr to give `createAgent` too. */
  logger: Logger | undefined;
};

/** Options of {@link runScript}. */
export type ScriptOptions<Flags extends Record<string, FlagSpec>> = {
  /** One line on what the example shows, for `--help`. */
  description?: string | undefined;
  /** The script's own flags (`--help` is always there). */
  flags?: Flags | undefined;
  /** Accept words after the flags, e.g. a question; their help line. */
  positionals?: { name: string; description: string } | undefined;
};

/** Options of {@link run}. */
export type RunOptions<Flags extends Record<string, FlagSpec>> = ScriptOptions<Flags> & {
  /** What the fake answers offline. @defaultValue `demoModel()`, the offline simulator */
  script?: FakeScript | undefined;
  /** More options of the offline fake. */
  fakeOptions?: Omit<CreateFakeGeminiOptions, 'script'> | undefined;
};

const HELP_FLAG = {
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
} as const satisfies Record<string, FlagSpec>;

/** The flags of every example that talks to a model. */
export const CONNECTION_FLAGS = {
  model: {
    type: 'string',
    description: 'Model name (default: GEMINI_MODEL or gemini-3-flash-preview).',
  },
  'base-url': {
    type: 'string',
    description: "API base URL, used with a key (default: GEMINI_BASE_URL, else Google's).",
  },
  offline: { type: 'boolean', description: 'Use the built-in fake Gemini even when a key is set.' },
  log: { type: 'string', description: "gemloop's log level on stderr: debug, info, warn, ..." },
} as const satisfies Record<string, FlagSpec>;

/**
 * Runs a script: parses its flags (strictly; `--help` prints the usage), loads `.env`, runs
 * `main`, and prints any error the way a user needs it (an `ApiCallError` with its guidance, not
 * a stack). Sets `process.exitCode` to 1 on failure, 2 on a bad flag. Never rejects.
 */
export function runScript<Flags extends Record<string, FlagSpec> = Record<never, FlagSpec>>(
  main: (script: Script<Flags>) => Promise<void>,
  options: ScriptOptions<Flags> = {},
): Promise<void> {
  const style = createStyle();
  return (async () => {
    const allFlags: Record<string, FlagSpec> = { ...options.flags, ...HELP_FLAG };
    let values: Record<string, string | boolean | undefined>;
    let positionals: string[];
    try {
      ({ values, positionals } = parseFlags(allFlags, process.argv.slice(2), {
        allowPositionals: options.positionals !== undefined,
      }));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n\n${usage(allFlags, options)}\n`);
      process.exitCode = 2;
      return;
    }
    if (values['help'] === true) {
      process.stdout.write(`${usage(allFlags, options)}\n`);
      return;
    }
    try {
      loadEnvFiles();
      await main({ flags: values as FlagValues<Flags>, positionals, style });
    } catch (error) {
      process.stderr.write(`${formatError(error, createStyle({ stream: process.stderr }))}\n`);
      process.exitCode = 1;
    }
  })();
}

/**
 * Runs an example the way they all run: {@link runScript}, plus a client for the real API when a
 * key is set or for gemloop's built-in fake Gemini when not, and a first line that says which.
 * The fake server is closed at the end, whatever happens.
 *
 * @example
 * ```ts
 * await run(async ({ gemini, model }) => {
 *   const agent = createAgent({ gemini, model, tools: [getWeather] });
 *   console.log((await agent.run('Weather in Paris?')).text);
 * });
 * ```
 */
export function run<Flags extends Record<string, FlagSpec> = Record<never, FlagSpec>>(
  main: (example: Example<Flags>) => Promise<void>,
  options: RunOptions<Flags> = {},
): Promise<void> {
  const flags = { ...CONNECTION_FLAGS, ...options.flags } as typeof CONNECTION_FLAGS & Flags;
  return runScript(
    async (script) => {
      const values = script.flags as Record<string, string | boolean | undefined>;
      const connection = await connect({
        model: values['model'] as string | undefined,
        baseUrl: values['base-url'] as string | undefined,
        offline: values['offline'] === true,
        logLevel: values['log'] as LogLevel | undefined,
        script: options.script,
        fakeOptions: options.fakeOptions,
      });
      try {
        console.log(script.style.dim(connection.banner));
        await main({
          ...script,
          flags: script.flags as FlagValues<Flags>,
          gemini: connection.gemini,
          model: connection.model,
          offline: connection.offline,
          fake: connection.fake,
          logger: connection.logger,
        });
      } finally {
        await connection.close();
      }
    },
    { ...options, flags },
  );
}

/** `parseArgs` in strict mode: an unknown or malformed flag is an error, not silently ignored. */
export function parseFlags(
  flags: Record<string, FlagSpec>,
  argv: readonly string[],
  { allowPositionals = false }: { allowPositionals?: boolean | undefined } = {},
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const descriptors: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, { type, short }] of Object.entries(flags)) {
    descriptors[name] = short === undefined ? { type } : { type, short };
  }
  // `pnpm run <script> -- --flag` passes the `--` on; it is not meant as "end of flags" here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values, positionals } = parseArgs({
    args,
    options: descriptors,
    strict: true,
    allowPositionals,
  });
  return { values: values as Record<string, string | boolean | undefined>, positionals };
}

/** The `--help` text: the description, then one line per flag. */
export function usage(
  flags: Record<string, FlagSpec>,
  {
    description,
    positionals,
  }: {
    description?: string | undefined;
    positionals?: { name: string; description: string } | undefined;
  } = {},
): string {
  const script = basename(process.argv[1] ?? 'example');
  const rows = Object.entries(flags).map(([name, spec]) => {
    const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
    const value = spec.type === 'string' ? ` <${name === 'log' ? 'level' : 'value'}>` : '';
    return [`  ${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    ...(description === undefined ? [] : [description, '']),
    `Usage: ${script} [options]${positionals === undefined ? '' : ` [${positionals.name}]`}`,
    ...(positionals === undefined ? [] : ['', `  ${positionals.name}: ${positionals.description}`]),
    '',
    ...rows.map(([left, text]) => `${left.padEnd(width)}${text}`),
    '',
    'With GEMINI_API_KEY (or COMETAPI_KEY) set, in the environment or examples/.env, it calls the',
    "real API; without, it runs against gemloop's built-in fake Gemini on 127.0.0.1.",
  ].join('\n');
}
