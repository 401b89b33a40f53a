import { basename, dirname, resolve } from 'node:path';
import { CliFlagError } from '../cli-flag-error.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { decodeRecordedText } from '../view/decode-recorded-text.ts';
import { isRunFileProblem, openRunFile, readRunBytes } from '../view/open-run-file.ts';

/**
 * Reads a file a command is given (a run file, a fork's result) as the viewer reads run files:
 * hostile input. A regular file only (a FIFO or a device is refused without blocking), a
 * symlink only when it stays inside its folder, at most `maxBytes` (a larger file is refused,
 * not read), UTF-8 only (`decodeRecordedText`: the viewer's words too).
 * @throws {@link CliFlagError} naming `what` (the argument) and why.
 */
export async function readRecordedFile(
  path: string,
  cwd: string,
  what: string,
  maxBytes: number,
): Promise<{ text: string; path: string }> {
  const full = resolve(cwd, path);
  const refuse = (why: string): never => {
    throw new CliFlagError({
      flag: what,
      value: escapeControls(path).slice(0, 100),
      accepted: [`a regular file of at most ${maxBytes} bytes`],
      message: `${what} ${escapeControls(path)}: ${why}.`,
    });
  };
  const opened = await openRunFile(dirname(full), basename(full));
  if (opened === undefined) return refuse('no such file');
  if (isRunFileProblem(opened)) return refuse(opened.problem);
  try {
    if (opened.size > maxBytes) return refuse(`larger than ${maxBytes} bytes; not read`);
    const bytes = await readRunBytes(opened, 0, opened.size, undefined);
    const decoded = decodeRecordedText(bytes);
    if ('problem' in decoded) return refuse(decoded.problem);
    const { text } = decoded;
    return { text, path: full };
  } finally {
    await opened.handle.close();
  }
}
