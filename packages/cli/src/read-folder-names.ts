import { readdir } from 'node:fs/promises';
import { escapeControls } from './escape-controls.ts';

/**
 * Why a file whose name is not UTF-8 is not read, as the commands that skip one say it (after the
 * name, shown): what is wrong, and the fix.
 */
export const NAME_NOT_UTF8 =
  'its name is not UTF-8 (each \\xNN is a byte of another encoding, such as Latin-1); the file is not read: rename it with a UTF-8 name (the recorder writes ASCII ones) to read it';

/** The names of a folder: those that are UTF-8, and how the others are shown. */
export type FolderNames = {
  /** The names that are UTF-8, as they are (each opens its file). */
  names: string[];
  /**
   * The names that are not UTF-8, shown: each byte that is not as `\xNN`, the rest as it is with
   * control characters escaped. For messages only: no file has this name.
   */
  notUtf8: string[];
};

// One decoder for every name: `fatal` throws on a byte that is not UTF-8 rather than reading it
// as U+FFFD (https://encoding.spec.whatwg.org/#dom-textdecoder-fatal); `ignoreBOM` keeps a name's
// leading U+FEFF, which the decoder would otherwise drop (a name that opens no file).
const STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads the names of `dir` as bytes. A Linux name is any bytes but `/` and NUL; `readdir` as text
 * read a byte that is not UTF-8 as U+FFFD, a name no file has, so the commands that read runs
 * folders (`eval from-runs`, `estimate`) went on to open it and said "cannot be read (ENOENT)", or
 * nothing. Those names come back apart, shown, for the command to say what is wrong with them.
 * @throws what `readdir` throws (`ENOENT` for a missing folder, `ENOTDIR`), for the caller's words.
 * @internal
 */
export async function readFolderNames(dir: string): Promise<FolderNames> {
  const found: FolderNames = { names: [], notUtf8: [] };
  for (const bytes of await readdir(dir, { encoding: 'buffer' })) {
    try {
      found.names.push(STRICT.decode(bytes));
    } catch {
      found.notUtf8.push(showNameBytes(bytes));
    }
  }
  return found;
}

/** `bytes` as text where each byte of no UTF-8 sequence is `\xNN` (escapes of controls as ever). */
function showNameBytes(bytes: Buffer): string {
  let shown = '';
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] as number;
    // How long a sequence this lead byte starts (RFC 3629 section 4; 0xC0, 0xC1 and above 0xF4
    // start none): the decoder then refuses what is overlong, a surrogate or past U+10FFFF.
    const length =
      lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    let char: string | undefined;
    if (length > 0 && at + length <= bytes.length) {
      try {
        char = STRICT.decode(bytes.subarray(at, at + length));
      } catch {
        char = undefined;
      }
    }
    if (char === undefined) {
      shown += `\\x${lead.toString(16).padStart(2, '0')}`;
      at++;
    } else {
      shown += escapeControls(char);
      at += length;
    }
  }
  return shown;
}
