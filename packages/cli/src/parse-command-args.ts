import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CliIo } from './cli-io.ts';
import { didYouMean } from './did-you-mean.ts';
import { escapeControls } from './probe/create-probe-sanitizer.ts';

/**
 * A command's options parsed strictly, with `--help`/`-h` added: the values, or the exit code
 * when the command is done already (`0` after printing `usage` for `--help`, `2` after printing
 * the parse error and `usage` for a bad argument).
 */
export function parseCommandArgs(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  io: CliIo,
): Record<string, string | boolean | undefined> | number {
  let parsed: ParsedWithTokens;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      tokens: true,
    }) as ParsedWithTokens;
  } catch (error) {
    io.stderr(`${parseFailure(error, args, options, false)}\n\n${usage}`);
    return 2;
  }
  if (parsed.values['help'] === true) {
    io.stdout(usage);
    return 0;
  }
  const repeated = repeatedOption(parsed.tokens, options);
  if (repeated !== undefined) {
    io.stderr(`${repeated}\n\n${usage}`);
    return 2;
  }
  return parsed.values;
}

/** What `parseArgs` returns with `tokens: true`: the values and each option as it was given. */
type ParsedWithTokens = {
  values: Record<string, string | boolean | undefined>;
  tokens: readonly { kind: string; name?: string; rawName?: string; value?: string | undefined }[];
};

/**
 * The refusal of a one-value option given twice with different values (`--base-url A --base-url
 * B`, `--until 1 --until 2`), else `undefined`: Node keeps the last one, so the command probed,
 * forked or gated on a value the user may not have meant, without a word. The same value twice
 * (a script's default repeated) and repeatable options (`multiple`) pass.
 */
function repeatedOption(
  tokens: ParsedWithTokens['tokens'],
  options: NonNullable<ParseArgsConfig['options']>,
): string | undefined {
  const first = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || token.value === undefined) continue;
    const option = options[token.name];
    if (option === undefined || option.multiple === true) continue;
    const earlier = first.get(token.name);
    if (earlier === undefined) first.set(token.name, token.value);
    else if (earlier !== token.value) {
      const shown = (value: string) => `'${escapeControls(cutArgument(value))}'`;
      return `--${token.name} was given twice, as ${shown(earlier)} and ${shown(token.value)}: give it once.`;
    }
  }
  return undefined;
}

/** The most of one argument a refusal quotes: Linux passes 128 KiB in one, all echoed before. */
const MAX_QUOTED = 200;

function cutArgument(arg: string): string {
  return arg.length > MAX_QUOTED ? `${arg.slice(0, MAX_QUOTED)}…` : arg;
}

/**
 * `parseArgs`' refusal, with the arguments' control characters escaped and each cut at 200
 * characters: its message quotes the argument it refused as typed (`Unexpected argument
 * 'runs<ESC>[2J<LF>PASS'`), so a file name or a pasted value would clear the terminal or print a
 * line of its own, and a 128 KiB one was quoted whole. The same arguments escaped and cut are
 * parsed again for the message: neither changes a dash or an `=` before the cut, so Node refuses
 * them alike and its own line breaks stay; should they pass, the first message is printed
 * escaped, cut at 1,000 characters.
 */
function parseFailure(
  error: unknown,
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  allowPositionals: boolean,
): string {
  try {
    parseArgs({
      args: args.map((arg) => escapeControls(cutArgument(arg))),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
  } catch (escaped) {
    if (escaped instanceof Error) return `${escaped.message}${unknownOptionHint(escaped, options)}`;
  }
  const message = escapeControls(error instanceof Error ? error.message : String(error));
  return message.length > 1_000 ? `${message.slice(0, 1_000)}… (cut)` : message;
}

/**
 * ` Did you mean --until?` after Node's refusal of an unknown long option (`--untill`,
 * `--untill=1`) one slip from one of the command's, else `''`. The option is read from the
 * error's code and message (Node quotes it as `'--name'`), from the escaped arguments' parse.
 */
function unknownOptionHint(error: Error, options: NonNullable<ParseArgsConfig['options']>): string {
  if ((error as { code?: unknown }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return '';
  const typed = /^Unknown option '--([^'=]+)'/.exec(error.message)?.[1];
  if (typed === undefined) return '';
  return didYouMean(typed, [...Object.keys(options), 'help'], (name) => `--${name}`);
}

/**
 * {@link parseCommandArgs} for a command that also takes files (`gemloop replay run.jsonl`,
 * `gemloop diff a b`): the values and the positional arguments, or the exit code.
 */
export function parseArgsWithFiles(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  io: CliIo,
): { values: Record<string, string | boolean | undefined>; files: string[] } | number {
  let parsed: ParsedWithTokens & { positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
      tokens: true,
    }) as typeof parsed;
  } catch (error) {
    io.stderr(`${parseFailure(error, args, options, true)}\n\n${usage}`);
    return 2;
  }
  if (parsed.values['help'] === true) {
    io.stdout(usage);
    return 0;
  }
  const repeated = repeatedOption(parsed.tokens, options);
  if (repeated !== undefined) {
    io.stderr(`${repeated}\n\n${usage}`);
    return 2;
  }
  return { values: parsed.values, files: parsed.positionals };
}

/**
 * The message refusing the first of `paths` given as an empty value (`--dir ''`, `--out=`), or
 * `undefined` when none is: `resolve('')` is the current folder, so an empty path would silently
 * mean "here" (list the current folder as runs, write a result over it). `paths` maps each flag
 * (without `--`) to what it takes, for the message, e.g. `{ dir: 'the folder of the run files' }`.
 */
export function emptyPathProblem(
  command: string,
  values: Record<string, string | boolean | undefined>,
  paths: Readonly<Record<string, string>>,
): string | undefined {
  const empty = Object.keys(paths).find((flag) => values[flag] === '');
  if (empty === undefined) return undefined;
  return `${command}: --${empty} is empty: give ${paths[empty]}, or leave --${empty} out.\n`;
}

/**
 * The first `count` operands of `args` (a command's FILE, INPUT), read as POSIX reads them, and
 * the arguments after them (the command's options), or `undefined` when an option stands where an
 * operand goes or fewer are given. A `--` before them ends the options (Utility Syntax Guideline
 * 10, https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/V1_chap12.html#tag_12_02): what
 * follows is an operand even when it starts with `-` (`gemloop estimate agent.ts -- '-5°C in
 * Oslo?'`); options may still follow the operands, as without `--`. Before, each command took
 * its first arguments as they were: a `--` was a file name or an unknown option, and an operand
 * starting with `-` could not be given at all.
 */
export function leadingOperands(
  args: readonly string[],
  count: number,
): { operands: string[]; rest: string[] } | undefined {
  const operands: string[] = [];
  let ended = false;
  let index = 0;
  for (; index < args.length && operands.length < count; index++) {
    const arg = args[index] as string;
    if (!ended && arg === '--') {
      ended = true;
      continue;
    }
    if (!ended && arg.startsWith('-')) return undefined;
    operands.push(arg);
  }
  return operands.length === count ? { operands, rest: args.slice(index) } : undefined;
}

/**
 * Whether `--help` or `-h` is among `args` before any `--`: after it, either is an operand (a
 * file, an input), not a request for help.
 */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
