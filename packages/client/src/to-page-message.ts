import { ClientError, type ClientErrorCode, type FileFault } from './client-error.ts';
import { sliceWhole } from './slice-whole.ts';

// A message a page shows is one paragraph: what a server's error event may hold past it is cut.
const MAX_MESSAGE = 1000;

const SOMETHING_WENT_WRONG = 'Something went wrong; try again.';

// What a server's own error words must never carry to a page, however they came to: a URL, an
// IP address, `localhost` or a host with its port, an absolute path (POSIX or Windows), a stack
// frame, and a key by its vendor's shape (Google's `AIza…`, `sk-…`, a bearer token, a JSON Web
// Token, a PEM private key, an AWS key id, GitHub's, Slack's, GitLab's, Hugging Face's, npm's).
// Core's server sends fixed words (toBrowserError); a broken one, or a proxy writing its own,
// sent `connect ECONNREFUSED 10.0.0.5:8080` and a key as they were (attack61f). Such words are not
// shown at all rather than cut: the words around a key or an address tell about it too.
const NOT_FOR_A_PAGE =
  /\b[a-z][\w+.-]{0,31}:\/\/|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]\w)|\blocalhost\b|(?<![\w:])[\da-f]{0,4}::[\da-f]{0,4}(?![\w:]*[g-z])|\b[a-z\d-]+(?:\.[a-z\d-]+)+:\d{2,5}\b|(?:^|[\s'"(=])\/[\w.@+~-]+\/|\b[a-z]:\\|\\\\\w|\n\s*at\s|AIza[\w-]{30}|\bsk-[\w-]*[a-z\d]{20}|\bBearer\s+\S{8}|\beyJ[\w-]{8,}\.|-----BEGIN [A-Z ]*PRIVATE KEY|\bA[KS]IA[A-Z\d]{16}\b|\b(?:gh[pousr]_|github_pat_|xox[a-z]-|glpat-|hf_|npm_)\w{10}/i;

// What a page's user is told of a file not sent, by its fault (the page's own check or the
// server's refusal, `readPageMessage`): what to do about it, never the file's name or the server's
// words.
const FILE_FAULT_WORDS = {
  'too-many-files': 'Too many files for one message; send fewer.',
  'too-large': 'The files are too large to send; send smaller ones.',
  'type-not-taken': 'A file is of a type this chat does not take.',
  'not-a-file': 'Something picked is not a file this page can send.',
  unreadable: 'A file could not be read; pick it again.',
} as const satisfies Record<FileFault, string>;

/** A 413 of a run's request: its body (the files, most likely) is past the route's limit. */
const TOO_LARGE_WORDS =
  'The message was larger than the server takes (its files, most likely); send smaller files.';

// What a page's user is told of each ClientError, by code, never the error's own message: that is
// written for the developer and quotes what the server sent (an HTTP error's body, an event's
// data, a run id), which may be a stack trace, an address or a key. `satisfies` makes a code added
// to ClientErrorCode without words here a compile error; to-page-message.test.ts reads the codes
// from their source and fails as well.
const CLIENT_ERROR_WORDS = {
  'http-status': 'The server answered with an error.',
  redirect: 'The server sent the request to another address, which this page does not follow.',
  'not-an-event-stream': 'The server did not answer with a run.',
  protocol: 'The server sent an answer this page cannot read.',
  limit: 'The answer was larger than this page takes.',
  'resume-unavailable': 'The run can no longer be picked up again; send the message again.',
  'connection-lost': 'The connection was lost before the run finished; try again.',
  'idle-timeout': 'The server went quiet before the run finished; try again.',
  'invalid-option': 'This page is not set up right to reach the server.',
  'file-refused': 'A file could not be sent.',
} as const satisfies Record<ClientErrorCode, string>;

/**
 * What a page may show its user of `error`: for a {@link ClientError}, fixed words by its `code`
 * (an HTTP error's status added), never its message, which may quote the server; for a run's
 * `error` event (`{ name, code?, message }`, worded for a page by the server), its message, unless
 * it holds a URL, an address, a path, a stack or a key's shape (the fallback words then); a
 * stop as a stop; anything else as `Something went wrong; try again.`. Never throws. Log the
 * error itself for the developer.
 *
 * @example
 * ```ts
 * try {
 *   await streamAgent('/chat', { body: { message } });
 * } catch (error) {
 *   status.textContent = toPageMessage(error);
 *   console.error(error);
 * }
 * ```
 */
export function toPageMessage(error: unknown): string {
  try {
    if (ClientError.isInstance(error)) return clientErrorWords(error);
    if (error instanceof Error) {
      return error.name === 'AbortError' ? 'The run was stopped.' : SOMETHING_WENT_WRONG;
    }
    if (typeof error === 'object' && error !== null) {
      const { name, message } = error as { name?: unknown; message?: unknown };
      if (typeof name === 'string' && typeof message === 'string' && message !== '') {
        const shown =
          message.length > MAX_MESSAGE ? `${sliceWhole(message, MAX_MESSAGE)}...` : message;
        // Looked for in what is shown only: a megabyte of words is not scanned for a page.
        return NOT_FOR_A_PAGE.test(shown) ? SOMETHING_WENT_WRONG : shown;
      }
    }
  } catch {
    // A getter that throws, a revoked proxy: nothing of it can be shown.
  }
  return SOMETHING_WENT_WRONG;
}

function clientErrorWords(error: ClientError): string {
  const { code, status, file } = error;
  // Own keys only: a code named `toString` (a later copy's) must not read Object.prototype's.
  if (typeof code !== 'string' || !Object.hasOwn(CLIENT_ERROR_WORDS, code)) {
    return SOMETHING_WENT_WRONG;
  }
  if (code === 'file-refused') {
    const fault = file?.fault;
    const index = file?.index;
    if (typeof fault !== 'string' || !Object.hasOwn(FILE_FAULT_WORDS, fault)) {
      return CLIENT_ERROR_WORDS[code];
    }
    const words = FILE_FAULT_WORDS[fault];
    return fault !== 'too-many-files' && Number.isSafeInteger(index) && (index as number) >= 0
      ? `File ${(index as number) + 1}: ${words}`
      : words;
  }
  if (code === 'http-status' && status === 413) return TOO_LARGE_WORDS;
  if (
    code === 'http-status' &&
    typeof status === 'number' &&
    Number.isInteger(status) &&
    status >= 100 &&
    status <= 599
  ) {
    return `The server answered with an error (HTTP ${status}).`;
  }
  return CLIENT_ERROR_WORDS[code];
}
