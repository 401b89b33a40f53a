/** What a command gets from the process: output, environment, and a way to wait for Ctrl-C. */
export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user stops the program (SIGINT, SIGTERM). */
  untilStopped: () => Promise<void>;
};

/** One subcommand of `gemloop` (`view`; `probe` is next). */
export type CliCommand = {
  name: string;
  /** One line for `gemloop --help`. */
  summary: string;
  /** The command's own help. */
  usage: string;
  /** Runs the command; resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
};
