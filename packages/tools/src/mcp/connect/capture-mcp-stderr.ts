import type { Readable } from 'node:stream';
import type { Logger } from '@gemloop/core';
import {
  cutText,
  secretForms,
  UNPRINTABLE,
  withoutCutKey,
  withoutCutKeyAtStart,
} from '@gemloop/core/internal';

/** The most characters of a stdio server's stderr kept for its error: enough for a stack trace. */
const TAIL_CHARS = 8192;

/** The most characters of one stderr line logged; the rest of a longer line is dropped. */
const MAX_LOGGED_LINE_CHARS = 8192;

// The shortest value whose forms are searched at a cut (the key rule's minimum, as withoutCutKey's).
const MIN_CUT_SECRET_LENGTH = 8;

// Terminal control sequences: CSI (colours, clearing the screen, moving the cursor) and OSC
// (window titles, OSC 8 links), taken out whole so a coloured `Error:` reads as its text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: taking them out is the point
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

/** `text` without terminal escapes nor control characters, its line feeds and tabs kept. */
function plainStderr(text: string): string {
  // Then every other control, line-breaking and bidi character but the line feed and the tab.
  return text
    .replace(ESCAPE_SEQUENCE, '')
    .replace(UNPRINTABLE, (char) => (char === '\n' || char === '\t' ? char : ''));
}

/**
 * Keeps the last {@link TAIL_CHARS} characters of a stdio MCP server's stderr for its error and
 * logs each line at `debug`; returns the tail as the error shows it. Both are plain (no terminal
 * escapes) and redacted: `secrets` are the connection's `env` values, whose forms are also taken
 * out where the tail or a line was cut through one. Lines are logged whole (a token the pipe
 * delivered in two reads was logged as its two halves, attack43b), a line past
 * {@link MAX_LOGGED_LINE_CHARS} as its start.
 * @internal
 */
export function captureMcpStderr({
  stream,
  logger,
  redact,
  secrets,
}: {
  stream: Readable | null;
  logger: Logger;
  redact: (text: string) => string;
  secrets: readonly string[];
}): () => string {
  if (stream === null) return () => '';
  const forms = secrets.flatMap((value) =>
    value.trim().length >= MIN_CUT_SECRET_LENGTH ? secretForms(value.trim()) : [],
  );
  const shown = (text: string): string => redact(plainStderr(text));
  const log = logger.child({ component: 'mcp', stream: 'stderr' });
  let tail = '';
  let tailCut = false;
  let line = '';
  let lineCut = false;
  const logLine = (text: string): void => {
    const plain = shown(text);
    if (plain.trim() !== '') log.debug({ line: plain }, 'mcp server stderr');
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    tail += chunk;
    if (tail.length > TAIL_CHARS) {
      tail = tail.slice(-TAIL_CHARS);
      tailCut = true;
    }
    if (log.isLevelEnabled?.('debug') === false) return;
    const pieces = chunk.split('\n');
    for (const [index, piece] of pieces.entries()) {
      const ended = index < pieces.length - 1;
      if (!lineCut) {
        line += piece;
        if (line.length > MAX_LOGGED_LINE_CHARS) {
          // Redacted whole, then cut: a key across the cut is found; one the pipe has not
          // finished writing is taken out where it stops.
          const start = withoutCutKey(cutText(shown(line), MAX_LOGGED_LINE_CHARS), forms);
          log.debug({ line: `${start} [line cut]` }, 'mcp server stderr');
          line = '';
          lineCut = true;
        }
      }
      if (ended) {
        if (!lineCut) logLine(line);
        line = '';
        lineCut = false;
      }
    }
  });
  // A broken pipe on stderr must not become an unhandled 'error' event.
  stream.on('error', () => {});
  stream.on('end', () => {
    if (!lineCut && line !== '') logLine(line);
  });
  return () => {
    let text = withoutCutKey(shown(tail), forms);
    if (tailCut) text = withoutCutKeyAtStart(text, forms);
    return text.trimEnd();
  };
}
