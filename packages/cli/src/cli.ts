import type { CliCommand, CliIo } from './cli-io.ts';

/**
 * The subcommands, one file each under `commands/`, loaded only when run. Add a command by adding
 * its file and one entry here.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  eval: async () => (await import('./commands/eval.ts')).evalCommand,
  fake: async () => (await import('./commands/fake.ts')).fakeCommand,
  probe: async () => (await import('./commands/probe.ts')).probeCommand,
  view: async () => (await import('./commands/view.ts')).viewCommand,
};

/**
 * Runs `gemloop <command> [...args]` and returns the exit code: dispatches on `argv[0]`, prints
 * the list of commands for `help`, nothing, or an unknown command.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    io.stderr(`gemloop: unknown command '${name}'.\n\n${await usage()}`);
    return 2;
  }
  return (await load()).run(args, io);
}

async function usage(): Promise<string> {
  const lines = ['Usage: gemloop <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    lines.push(`  ${name.padEnd(8)} ${(await load()).summary}`);
  }
  lines.push('', 'Run gemloop <command> --help for its options.');
  return `${lines.join('\n')}\n`;
}
