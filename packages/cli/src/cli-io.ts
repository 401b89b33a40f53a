/** What a command reads and writes, injectable so commands run in-process in tests. */
export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** @defaultValue `globalThis.fetch` */
  fetch?: typeof globalThis.fetch | undefined;
};

/** A subcommand: takes its own arguments (after the command name), returns the exit code. */
export type CliCommand = {
  /** One line for `gemloop help`. */
  summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
};
