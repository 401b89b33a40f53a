import { ClientError, type FileFault } from './client-error.ts';
import { describeOptionValue } from './describe-option-value.ts';

// A page's files as the parts of a message a gemloop route sends to Gemini inline: each one a
// base64 data URL with its MIME type, the shape the serving doors take (`@gemloop/serve`'s
// `readPageMessage`, the OpenAI door's `image_url`). Shaped after the AI SDK's `FileUIPart`
// (vercel/ai, packages/ai/src/ui/convert-file-list-to-file-ui-parts.ts: `{ type: 'file',
// mediaType, filename, url }`, the URL from `FileReader.readAsDataURL`), so a page moving from
// `useChat` passes what it had. Unlike that one (every file read at once, no bound), the count,
// size and types are checked before anything is read: a 2 GB video picked by mistake is refused by
// its size, not read into the page's memory first.

/** One file of a message, ready to send: a base64 data URL and what the page shows of it. */
export type MessageFile = {
  /** `data:<mediaType>;base64,...`: the bytes, as the route takes them. */
  url: string;
  /** The MIME type (`image/png`), as the browser named the file or the data URL says. */
  mediaType: string;
  /** The file's name, when it has one (a `File`; a `Blob` or a data URL has none). */
  filename?: string | undefined;
  /** Its size in bytes (decoded). */
  size: number;
};

/** What {@link readMessageFiles} takes: a `<input type=file>`'s `FileList`, `File`s, `Blob`s, data URLs or files read before. */
export type MessageFileInput =
  | ArrayLike<Blob>
  | Iterable<Blob | string | MessageFile>
  | readonly (Blob | string | MessageFile)[];

/** The bounds {@link readMessageFiles} checks before reading a byte. */
export type ReadMessageFilesOptions = {
  /** The most files one message may hold. Default 10 (a door takes at most 64 media parts a request). */
  maxFiles?: number | undefined;
  /**
   * The most bytes of all the files together, decoded. Default 4 MiB: base64 makes them a third
   * larger, so the request is ~5.6 MB; raise the route's body limit to match (its `413` is
   * `ClientError` `http-status` 413 on the page).
   */
  maxBytes?: number | undefined;
  /**
   * Whether a MIME type may be sent. Default: what Gemini reads inline and every gemloop door
   * takes: `image/*`, `audio/*`, `video/*`, `application/pdf`, `application/json`, `text/*`.
   */
  accept?: ((mediaType: string) => boolean) | undefined;
};

/** What every gemloop door takes as a media part's type (`@gemloop/serve`'s `readMediaPart`). */
const TAKEN_TYPES = /^(?:(?:image|audio|video)\/.+|application\/pdf|application\/json|text\/.+)$/;
/** A MIME type of restricted-name characters, as the doors check it. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
/** A data URL this reads: `data:<type>/<subtype>[;param…];base64,`, its head at most 256 characters. */
const DATA_URL = /^data:([^,;]{1,256})((?:;[^,;]{0,128})*);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Bytes encoded per slice when no `FileReader` does it (Node, Workers): a multiple of 3. */
const SLICE_BYTES = 3 * 64 * 1024;
/** Bytes a `FileReader` reads per slice: a multiple of 3, a short task of the browser's encoder. */
const READER_SLICE_BYTES = 3 * 256 * 1024;

/**
 * Reads a page's files into {@link MessageFile}s to send with a message (`@gemloop/react`'s
 * `send(text, { files })` calls it). Takes a `FileList` (an `<input type=file>`'s `files`),
 * `File`s and `Blob`s, `data:...;base64,` URLs, and `MessageFile`s read before (kept as they
 * are). The count, the total size and every type are checked before any file is read; each file
 * is then read in slices of 768 KiB with `FileReader` where there is one (the browser's own
 * encoder, one short task a slice), elsewhere encoded here in slices of 192 KiB, so a large file
 * never holds the page for long.
 *
 * @throws {@link ClientError} code `file-refused` with `file: { index, fault }`: `too-many-files`,
 * `too-large`, `type-not-taken` (a type the route would refuse, or none: a file the browser could
 * not name), `not-a-file` (neither a `Blob` nor a base64 data URL), `unreadable` (reading failed).
 * Show it with `toPageMessage`; `invalid-option` for a bound that is not a positive integer.
 *
 * @example
 * ```ts
 * const files = await readMessageFiles(input.files ?? []);
 * await streamAgent('/chat', { body: { message: 'What is in this photo?', files } });
 * ```
 */
export async function readMessageFiles(
  input: MessageFileInput,
  options: ReadMessageFilesOptions = {},
): Promise<MessageFile[]> {
  const maxFiles = checkBound(options.maxFiles, 10, 'maxFiles');
  const maxBytes = checkBound(options.maxBytes, 4 * 1024 * 1024, 'maxBytes');
  const accept = options.accept ?? ((type: string) => TAKEN_TYPES.test(type));
  const items = toItems(input);
  if (items.length > maxFiles) {
    throw refused(
      maxFiles,
      'too-many-files',
      `A message takes at most ${maxFiles} files (maxFiles); ${items.length} were given.`,
    );
  }
  // Every file's type and size first: nothing is read when one of them cannot be sent.
  const checked = items.map((item, index) => checkItem(item, index, accept));
  let total = 0;
  for (const [index, item] of checked.entries()) {
    total += item.size;
    if (total > maxBytes) {
      throw refused(
        index,
        'too-large',
        `The files come to more than ${maxBytes} bytes (maxBytes) at file ${index} (${item.size} bytes).`,
      );
    }
  }
  const files: MessageFile[] = [];
  for (const [index, item] of checked.entries()) {
    if (item.blob === undefined) {
      files.push(item.file);
      continue;
    }
    let data: string;
    try {
      data = await readBase64(item.blob);
    } catch (error) {
      throw refused(index, 'unreadable', `File ${index} could not be read.`, error);
    }
    files.push({ ...item.file, url: `data:${item.file.mediaType};base64,${data}` });
  }
  return files;
}

type CheckedItem = { file: MessageFile; size: number; blob: Blob | undefined };

function toItems(input: MessageFileInput): unknown[] {
  if (typeof input === 'object' && input !== null) {
    if (Symbol.iterator in input) return [...(input as Iterable<unknown>)];
    // A FileList in an environment whose FileList is not iterable: array-like.
    if (typeof (input as ArrayLike<unknown>).length === 'number') {
      return Array.from(input as ArrayLike<unknown>);
    }
  }
  throw new ClientError({
    code: 'invalid-option',
    option: 'files',
    message: 'files must be a FileList, or an array of File, Blob, data URL or MessageFile.',
  });
}

function checkItem(item: unknown, index: number, accept: (type: string) => boolean): CheckedItem {
  if (typeof Blob !== 'undefined' && item instanceof Blob) {
    // A File's type is what the browser guessed from its name; '' when it could not.
    const mediaType = item.type.toLowerCase().split(';')[0]?.trim() ?? '';
    checkType(mediaType, index, accept);
    const filename = baseName((item as File).name);
    return { file: { url: '', mediaType, filename, size: item.size }, size: item.size, blob: item };
  }
  const url = typeof item === 'string' ? item : (item as Partial<MessageFile> | null)?.url;
  const head = typeof url === 'string' ? DATA_URL.exec(url) : null;
  if (typeof url !== 'string' || head === null || !BASE64.test(url.slice(head[0].length))) {
    throw refused(
      index,
      'not-a-file',
      `File ${index} is neither a File or Blob nor a base64 data URL.`,
    );
  }
  const mediaType = (head[1] as string).toLowerCase().trim();
  checkType(mediaType, index, accept);
  const data = url.length - head[0].length;
  const size = Math.floor((data * 3) / 4) - (url.endsWith('==') ? 2 : url.endsWith('=') ? 1 : 0);
  const given = typeof item === 'string' ? undefined : (item as MessageFile).filename;
  return {
    file: { url, mediaType, filename: baseName(given), size },
    size,
    blob: undefined,
  };
}

/**
 * A file's name as sent and shown: its last segment after a `/` or `\`, without control or format
 * characters (bidi overrides), at most 255 UTF-16 code units (a surrogate pair never cut in half);
 * `undefined` for none, `.` or `..`. A browser's `File` names no folder, but a page's
 * `new File([...], 'C:\\Users\\alice\\report.pdf')` or a `MessageFile` from its storage may: the
 * user's folders went into the message the page shows and saves, and to the server, and a name
 * like `../../etc/passwd` to any code that stores files by name (leftovers76).
 */
function baseName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  let base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  // Control and format characters (line ends, bidi overrides that show `exe.pdf` as `fdp.exe`).
  base = base.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  if (base.length > 255) {
    // A high surrogate last would leave half a pair: cut before it.
    const high = (base.charCodeAt(254) & 0xfc00) === 0xd800;
    base = base.slice(0, high ? 254 : 255);
  }
  return base === '' || base === '.' || base === '..' ? undefined : base;
}

function checkType(mediaType: string, index: number, accept: (type: string) => boolean): void {
  if (!MIME_TYPE.test(mediaType) || !accept(mediaType)) {
    throw refused(
      index,
      'type-not-taken',
      `File ${index} is of a type this message does not take (${mediaType === '' ? 'none the browser could name' : mediaType.slice(0, 100)}).`,
    );
  }
}

function refused(index: number, fault: FileFault, message: string, cause?: unknown): ClientError {
  return new ClientError({ code: 'file-refused', message, file: { index, fault }, cause });
}

function checkBound(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value >= 1))
    return value;
  throw new ClientError({
    code: 'invalid-option',
    option,
    message: `${option} is an integer of at least 1, or Infinity; got ${describeOptionValue(value)}.`,
  });
}

/** A blob's bytes as base64, without holding the page's thread for a large one. */
async function readBase64(blob: Blob): Promise<string> {
  const pieces: string[] = [];
  const reader = typeof FileReader === 'undefined' ? readSliceInScript : readSliceWithReader;
  // In slices whose lengths are multiples of 3, so their base64 joins into the whole's.
  const slice = reader === readSliceWithReader ? READER_SLICE_BYTES : SLICE_BYTES;
  for (let start = 0; start < blob.size; start += slice) {
    pieces.push(await reader(blob.slice(start, start + slice)));
  }
  return pieces.join('');
}

/**
 * One slice through the browser's `FileReader`: the bytes load off the page's thread, but the
 * browser encodes the data URL in one task on it (Chromium: a 4 MiB file read whole held the page
 * 40-300 ms at load 15-21), so a large file is read in slices, one short task each.
 */
async function readSliceWithReader(slice: Blob): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(slice);
  });
  return url.slice(url.indexOf(',') + 1);
}

/** One slice encoded here (Node, Workers: no `FileReader`), its read awaited between slices. */
async function readSliceInScript(slice: Blob): Promise<string> {
  const bytes = new Uint8Array(await slice.arrayBuffer());
  let binary = '';
  // 8 KiB a call: `String.fromCharCode(...bytes)` of a whole slice overflows the stack.
  for (let at = 0; at < bytes.length; at += 8192) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 8192));
  }
  return btoa(binary);
}
