import { MIN_KEY_LENGTH, redactSecrets } from './redact-secrets.ts';
import { type CleanTexts, type ScanMemo, scan } from './scrub-secrets.ts';

/**
 * Texts shorter than this are not remembered by their holder: a lookup there costs about as much
 * as their scan. (The observers' key walk remembers them by their characters instead.) @internal
 */
export const MEMO_MIN_LENGTH = 256;
// How many lists of secrets a memo keeps texts for (a door's agents with different keys).
const MEMO_MAX_LISTS = 16;
// How many short texts a list keeps (`heldText`): past it they are forgotten and scanned
// again when met, so a long-lived run's memo stays bounded (10,000 texts under 256 characters).
const MEMO_MAX_SHORT = 10_000;

/** What a memo keeps for one list of secrets. */
type ListTexts = {
  /** The list, copied: a caller's array may change in place (a client's learns credentials). */
  readonly secrets: readonly string[];
  /** Its secrets of the key rule's length ({@link MIN_KEY_LENGTH}), what `heldText` scans for. */
  readonly active: readonly string[];
  /** Long texts, by holder. */
  readonly clean: CleanTexts;
  /** Short texts, by their characters (`heldText`'s only). */
  readonly short: Set<string>;
};

/**
 * An empty {@link ScanMemo}: a door keeps one across its sends, so a thread's stored turns are
 * scanned for keys once, not at every send (scrub47: the sends were quadratic in the thread's
 * length); an observed run keeps one for its observers' key walk (telemetry/start-observation.ts),
 * whose every model call hands it the whole history again. The long texts found clean are kept
 * by the object and property that held each, and are clean again only while that property
 * holds the same string (`===`: the same one at no cost, an equal one after one comparison, a
 * changed one is scanned again). By holder, not by the string alone: V8 hashes a string over
 * 16,383 characters by its length only, so a set of them compares a text with every other of
 * its length (a client's many equal-length messages).
 * Held weakly: a text is kept no longer than the object that holds it.
 * The short texts the observers' key walk found clean (`heldText`) are kept by their characters
 * alone, at most 10,000 a list: a short text's scan there always looks for key shapes, so where
 * it is held does not change what it holds.
 * Each list is kept with a copy of it and found by comparing the secrets one by one (the same
 * strings: one comparison each), not by a name made of it at every text an observed run meets.
 * @internal
 */
export function createScanMemo(): ScanMemo {
  const lists: ListTexts[] = [];
  const textsOf = (secrets: readonly string[]): ListTexts => {
    for (const kept of lists) if (sameList(kept.secrets, secrets)) return kept;
    if (lists.length >= MEMO_MAX_LISTS) lists.length = 0;
    const made: ListTexts = {
      secrets: [...secrets],
      active: secrets.filter((secret) => secret.length >= MIN_KEY_LENGTH),
      clean: cleanTextsOf(),
      short: new Set(),
    };
    lists.push(made);
    return made;
  };
  const memo: ScanMemo = {
    scannedChars: 0,
    cleanTexts: (secrets) => textsOf(secrets).clean,
    // Key shapes are looked for even in a media part's `data` (unlike the doors' walk,
    // `isMediaData`): what a bare string's scan did before the walk handed its holder, and what
    // lets a short text found clean here be clean wherever it is held.
    heldText(text, secrets, holder, key) {
      const { active, clean, short } = textsOf(secrets);
      if (active.length === 0) return text;
      const isShort = text.length < MEMO_MIN_LENGTH;
      if (isShort ? short.has(text) : clean.has(holder, key, text)) return text;
      if (scan(text, active, { nodes: 0, memo })) return redactSecrets(text, active);
      if (!isShort) clean.add(holder, key, text);
      else {
        if (short.size >= MEMO_MAX_SHORT) short.clear();
        short.add(text);
      }
      return text;
    },
  };
  return memo;
}

/** The long texts found clean for one list, by the object and property that held each. */
function cleanTextsOf(): CleanTexts {
  const texts = new WeakMap<object, Map<PropertyKey, string>>();
  return {
    has: (holder, key, text) =>
      text.length >= MEMO_MIN_LENGTH && texts.get(holder)?.get(key) === text,
    add(holder, key, text) {
      if (text.length < MEMO_MIN_LENGTH) return;
      let at = texts.get(holder);
      if (at === undefined) {
        at = new Map();
        texts.set(holder, at);
      }
      at.set(key, text);
    },
  };
}

/** Whether two lists hold the same secrets in the same order. */
function sameList(kept: readonly string[], secrets: readonly string[]): boolean {
  if (kept.length !== secrets.length) return false;
  for (let index = 0; index < kept.length; index++) {
    if (kept[index] !== secrets[index]) return false;
  }
  return true;
}
