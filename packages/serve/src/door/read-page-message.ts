import { InvalidArgumentError } from '@gemloop/core/errors';
import type { Part } from '@gemloop/core/wire';
import { MediaPartRefusedError } from './media-part-refused-error.ts';
import { checkMediaPartCount, readMediaPart } from './read-media-part.ts';

// The server's half of a page's files (`@gemloop/client`'s `readMessageFiles`, `@gemloop/react`'s
// `send(text, { files })`): the browser-protocol route's body `{ message, files: [{ url,
// mediaType?, filename?, size? }] }` read into the user turn an agent is streamed with, through the
// doors' own reader: base64 data URLs only (a remote URL is never fetched), a type Gemini reads,
// at most 64 parts. The route's body limit bounds the bytes; raise it for files.

/** A page's message: its text, and its files as Gemini parts. */
export type PageMessage = {
  /** The text the page sent. */
  text: string;
  /**
   * What to stream the agent with: `text` itself when the page sent no files (the request a
   * text-only page made before), else `[{ text }, ...inlineData]`, one user turn.
   */
  input: string | Part[];
  /** How many files the message holds. */
  files: number;
};

/** What {@link readPageMessage} reads: the page's body's `message` and `files`, and a bound. */
export type ReadPageMessageOptions = {
  /** The message's text (the route checks it is the string it wants). */
  message: string;
  /** The body's `files`, as it came (checked here): `undefined` or `null` for none. */
  files?: unknown;
  /**
   * The most files one message may hold, an integer from 1 to 64 (what every door takes).
   * Default 10, the page's default.
   */
  maxFiles?: number | undefined;
};

/**
 * Reads the files of a page's message (`body.files`, as `@gemloop/client`'s `readMessageFiles`
 * makes them) beside its `text` into what `agent.stream` or a chat session's `sendStream` takes.
 * Only `url` is read (`data:<type>/<subtype>;base64,...`); `mediaType`, `filename` and `size` are
 * the page's own (Gemini's inline part has no name). The base64 is checked, not decoded.
 *
 * @throws {@link MediaPartRefusedError} naming `files[i].url` (or `files` for too many, or not an
 * array): answer it with {@link toPageRefusal}, which the page's client reads as `ClientError`
 * `file-refused`.
 *
 * @example
 * ```ts
 * const { input } = readPageMessage({ message: body.message, files: body.files });
 * await writeEventStream(response, agent.stream(input));
 * ```
 */
export function readPageMessage({
  message: text,
  files,
  maxFiles = 10,
}: ReadPageMessageOptions): PageMessage {
  if (!Number.isSafeInteger(maxFiles) || maxFiles < 1 || maxFiles > 64) {
    throw new InvalidArgumentError({
      argument: 'maxFiles',
      message: `maxFiles is an integer from 1 to 64 (what every door takes); got ${String(maxFiles).slice(0, 40)}.`,
    });
  }
  if (files === undefined || files === null) return { text, input: text, files: 0 };
  if (!Array.isArray(files)) {
    throw new MediaPartRefusedError({
      path: 'files',
      fault: 'not-a-data-url',
      message: 'files must be an array of { url: "data:<mime type>;base64,<data>" }.',
    });
  }
  checkMediaPartCount(files.length, 'files');
  if (files.length > maxFiles) {
    throw new MediaPartRefusedError({
      path: 'files',
      fault: 'too-many-media-parts',
      message: `files holds ${files.length} files: at most ${maxFiles} are taken in one message (maxFiles).`,
    });
  }
  if (files.length === 0) return { text, input: text, files: 0 };
  const parts: Part[] = text === '' ? [] : [{ text }];
  for (const [index, file] of files.entries()) {
    const url = (file as { url?: unknown } | null)?.url;
    const path = `files[${index}].url`;
    if (typeof url !== 'string') {
      throw new MediaPartRefusedError({
        path,
        fault: 'not-a-data-url',
        message: `${path} must be a data URL, data:<mime type>;base64,<data>.`,
      });
    }
    parts.push(readMediaPart({ url }, { path, kind: 'file' }));
  }
  return { text, input: parts, files: files.length };
}

/** The body a route answers a refused file with (`400`), which `@gemloop/client` reads. */
export type PageRefusal = {
  error: {
    code: 'file-refused';
    /** The index of the file at fault among the message's files (0 for the list as a whole). */
    file: number;
    /** The page's words for it: `too-many-files`, `type-not-taken`, `not-a-file`. */
    fault: 'too-many-files' | 'type-not-taken' | 'not-a-file';
    /** For the developer: the refusal's message (a path and a rule, never the data). */
    message: string;
  };
};

/**
 * A {@link MediaPartRefusedError} of {@link readPageMessage} as the route's `400` body, which the
 * page's `@gemloop/client` turns into `ClientError` `file-refused` with `file: { index, fault }`
 * (shown by `toPageMessage` in fixed words, never this message).
 */
export function toPageRefusal(error: MediaPartRefusedError): PageRefusal {
  const index = /^files\[(\d{1,5})\]/.exec(error.path)?.[1];
  const fault =
    error.fault === 'too-many-media-parts'
      ? 'too-many-files'
      : error.fault === 'invalid-mime-type' || error.fault === 'mime-type-mismatch'
        ? 'type-not-taken'
        : 'not-a-file';
  return {
    error: {
      code: 'file-refused',
      file: index === undefined ? 0 : Number(index),
      fault,
      message: error.message,
    },
  };
}
