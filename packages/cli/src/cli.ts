import { readFile } from 'node:fs/promises';
import type { CliCommand, CliIo } from './cli-io.ts';
import { COMMAND_SUMMARIES, type CommandName } from './command-summaries.ts';
import { didYouMean } from './did-you-mean.ts';
import { escapeControls } from './escape-controls.ts';

/**
 * The subcommands, one file each under `commands/`, loaded only when run (`gemloop help` reads
 * their summaries from {@link COMMAND_SUMMARIES}). Add a command by adding its file, one entry
 * here and its summary there.
 */
const COMMANDS: Readonly<Record<CommandName, () => Promise<CliCommand>>> = {
  chat: async () => (await import('./commands/chat.ts')).chatCommand,
  diff: async () => (await import('./commands/diff.ts')).diffCommand,
  estimate: async () => (await import('./commands/estimate.ts')).estimateCommand,
  eval: async () => (await import('./commands/eval.ts')).evalCommand,
  fake: async () => (await import('./commands/fake.ts')).fakeCommand,
  probe: async () => (await import('./commands/probe.ts')).probeCommand,
  replay: async () => (await import('./commands/replay.ts')).replayCommand,
  view: async () => (await import('./commands/view.ts')).viewCommand,
};

/**
 * Runs `gemloop <command> [...args]` and returns the exit code: dispatches on `argv[0]`, prints
 * the list of commands for `help` (on stdout, exit 0), nothing or an unknown command (on stderr,
 * exit 2: a user error), a command's own usage for `help COMMAND`, and the version for
 * `--version` (`-v`).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.stdout(`${await version()}\n`);
    return 0;
  }
  if (first === undefined) {
    io.stderr(usage());
    return 2;
  }
  // `gemloop help probe` is `gemloop probe --help`, as in git and npm.
  const asksHelp = first === 'help' || first === '--help' || first === '-h';
  if (asksHelp && rest[0] === undefined) {
    io.stdout(usage());
    return 0;
  }
  const [name, args] = asksHelp ? [rest[0] as string, ['--help']] : [first, rest];
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  if (load === undefined) {
    // Cut: one argument may be 128 KiB, all of it echoed before.
    const shown = escapeControls(name.length > 100 ? `${name.slice(0, 100)}…` : name);
    const hint = didYouMean(name, Object.keys(COMMANDS), (command) => `'${command}'`);
    io.stderr(`gemloop: unknown command '${shown}'.${hint}\n\n${usage()}`);
    return 2;
  }
  return (await load()).run(args, io);
}

function usage(): string {
  const lines = ['Usage: gemloop <command> [options]', '', 'Commands:'];
  for (const [name, summary] of Object.entries(COMMAND_SUMMARIES)) {
    lines.push(`  ${name.padEnd(8)} ${summary}`);
  }
  lines.push(
    '',
    'Run gemloop <command> --help for its options.',
    'Run gemloop --version (-v) for the version.',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The version of this package, read from its package.json: one folder up from this file both in
 * `src/` and in the built `dist/`, and at the root of the installed package (`files` ships it),
 * so the number printed is the one `changeset version` wrote, never a copy that can lag.
 */
async function version(): Promise<string> {
  const manifest = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}
