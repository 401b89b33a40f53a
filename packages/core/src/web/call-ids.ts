import { cutText } from '../shared/cut-text.ts';

/**
 * The ids a page is shown for one run's tool calls. The model may repeat a call id in a turn or a
 * later step (a gateway that numbers each answer's calls from `call_0`): gemloop answers every
 * call, but a page keeps one call per id and path (`@gemloop/react`), so a repeat would merge two
 * calls into one. Each call is shown with its own id, followed by `#2`, `#3`... when that id was
 * already shown at its path; a result or an approval finds its call's id by the call's arguments
 * object, as the approval broker pairs them, never by the model's id (attack27). An id past 256
 * characters is cut ({@link boundedCallId}).
 * @internal
 */
export type CallIds = {
  /** The id to show a new call with, unique at its path from now on. */
  shown(path: readonly string[], toolCallId: string, args: object, stepNumber: number): string;
  /** The id the call with these arguments was shown with (its own, bounded, when it was not shown). */
  of(args: object, toolCallId: string, path: readonly string[], stepNumber: number): string;
};

/**
 * The longest call id a page is shown: the model writes it, and a 1.5 MB id made two events past the
 * client's `maxEventChars` (attack27). A longer one is cut (and kept unique like a repeat).
 */
const MAX_SHOWN_ID_CHARS = 256;

/**
 * `toolCallId` as a page may be shown it: itself up to 256 characters, else its first
 * 240 characters and a hash of the whole (FNV-1a), so that two long ids stay apart and every
 * event of one call (read again after a reconnect, too) shows the same. @internal
 */
export function boundedCallId(toolCallId: string): string {
  if (toolCallId.length <= MAX_SHOWN_ID_CHARS) return toolCallId;
  return `${cutText(toolCallId, 240)}…${hashOf(toolCallId)}`;
}

/**
 * The longest tool name a page or protocol client is shown whole: a declared tool's name is at most
 * 128 characters (check-tool-name.ts, Gemini's own rule), so only a name the model made up is ever
 * longer. Whole, a 2 MB made-up name made a `tool-call` event past the client's `maxEventChars`.
 */
const MAX_SHOWN_NAME_CHARS = 128;

/**
 * `toolName` as a page or a protocol client may be shown it: itself up to 128 characters (every
 * declared tool's name), else its start with a note of what was left out, 128 characters at most
 * in all, so that a name cut once (a durable run's stored event) is shown as it is. Every event of
 * a call shows the same. @internal
 */
export function boundedToolName(toolName: string): string {
  if (toolName.length <= MAX_SHOWN_NAME_CHARS) return toolName;
  // 90 characters and a note of at most 33 (`… [` + 10 digits + ` characters omitted]`).
  const start = cutText(toolName, 90);
  return `${start}… [${toolName.length - start.length} characters omitted]`;
}

/** FNV-1a of `text`, in base 36. */
function hashOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** The call ids of one run's page. @internal */
export function createCallIds(): CallIds {
  const byArgs = new WeakMap<object, string>();
  // Bounded by the run's calls; a path's JSON ends in `]`, so no id can pass for another path's.
  const taken = new Set<string>();
  return {
    shown(path, toolCallId, args) {
      const at = JSON.stringify(path);
      const base = boundedCallId(toolCallId);
      let id = base;
      for (let count = 2; taken.has(at + id); count++) id = `${base}#${count}`;
      taken.add(at + id);
      byArgs.set(args, id);
      return id;
    },
    of: (args, toolCallId) => byArgs.get(args) ?? boundedCallId(toolCallId),
  };
}

/**
 * The call ids of a durable run's page (`createCallIds`' ids, made in the order of the run's
 * store). A stored result is not the object its call's event was, so it finds its call by path,
 * step, id and the JSON of its arguments: the first call shown with them and not yet answered.
 * Fed from the store's first entry, a page that resumes gets the ids it was shown before.
 * @internal
 */
export function createStoredCallIds(): CallIds {
  const ids = createCallIds();
  // Calls shown and not yet answered, by where and what they are; a key holds a hash of the
  // arguments (a call's may be 100 KB), not them.
  const open = new Map<string, string[]>();
  const keyOf = (path: readonly string[], step: number, id: string, args: object): string =>
    `${JSON.stringify(path)}${step}:${hashOf(JSON.stringify(args) ?? '')}:${id}`;
  return {
    shown(path, toolCallId, args, stepNumber) {
      const id = ids.shown(path, toolCallId, args, stepNumber);
      const key = keyOf(path, stepNumber, toolCallId, args);
      open.set(key, [...(open.get(key) ?? []), id]);
      return id;
    },
    of(args, toolCallId, path, stepNumber) {
      const key = keyOf(path, stepNumber, toolCallId, args);
      const waiting = open.get(key);
      const id = waiting?.shift();
      if (waiting?.length === 0) open.delete(key);
      return id ?? boundedCallId(toolCallId);
    },
  };
}
