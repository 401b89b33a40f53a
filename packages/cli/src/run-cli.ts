import type { CliCommand, CliIo } from './cli-command.ts';
import { viewCommand } from './view/view-command.ts';

/** The subcommands, by name. A new one (`probe`) is one more entry here. */
export const commands: readonly CliCommand[] = [viewCommand];

/**
 * Runs `gemloop <command> [args]` and resolves to the exit code: 0, 1 for a failure, 2 for a
 * bad command line.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr(`gemloop: unknown command '${name}'.\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`gemloop ${name}: ${message}\n`);
    return (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
  }
}

function help(): string {
  const rows = commands.map((command) => `  ${command.name.padEnd(8)}${command.summary}`);
  return `Usage: gemloop <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun gemloop <command> --help for its options.\n`;
}
