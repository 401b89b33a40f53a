/** What a command reads and writes, injectable so commands run in-process in tests. */
export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** @defaultValue `globalThis.fetch` */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Aborted once stdout's reader has gone (the bin saw EPIPE: `gemloop chat | head -1`): a command
   * whose output is its work (a chat's answers) stops rather than work on for no one.
   */
  stdoutGone?: AbortSignal | undefined;
};

/** A subcommand: takes its own arguments (after the command name), returns the exit code. */
export type CliCommand = {
  /** One line for `gemloop help`. */
  summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
};
