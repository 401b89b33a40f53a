import { realpath } from 'node:fs/promises';
import { CliFlagError } from '../cli-flag-error.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';

/** A file a command reads, and what it is in a message (`'one of the run files'`). */
export type CommandInput = { path: string; is: string };

/**
 * Refuses an output flag whose file is one of the command's inputs (by its real path: a `./`, a
 * link), before anything is written: `gemloop diff a.jsonl b.jsonl --json a.jsonl` replaced a
 * recorded run with the diff, and `gemloop eval suite.mjs --json cases.jsonl` the dataset with
 * the result (attack43a), where `gemloop replay --json` already refused its run file.
 * @throws {@link CliFlagError} naming `flag`, the file, and what it is.
 */
export async function refuseOutputOverInput({
  flag,
  given,
  output,
  inputs,
}: {
  /** The output flag, e.g. `--json`. */
  flag: string;
  /** The flag's value as given, for the message. */
  given: string;
  /** The output's absolute path. */
  output: string;
  inputs: readonly CommandInput[];
}): Promise<void> {
  const real = (path: string): Promise<string> => realpath(path).catch(() => path);
  const target = await real(output);
  for (const input of inputs) {
    if ((await real(input.path)) !== target) continue;
    const shown = escapeControls(given).slice(0, 100);
    throw new CliFlagError({
      flag,
      value: shown,
      accepted: ['a file the command does not read'],
      message: `${flag} ${shown} is ${input.is}: gemloop never writes over what it reads. Give another file.`,
    });
  }
}
