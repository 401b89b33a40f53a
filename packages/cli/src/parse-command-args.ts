import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CliIo } from './cli-io.ts';

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
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  if (values['help'] === true) {
    io.stdout(usage);
    return 0;
  }
  return values;
}
