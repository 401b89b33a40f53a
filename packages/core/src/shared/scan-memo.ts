import type { CleanTexts, ScanMemo } from './scrub-secrets.ts';

/**
 * Texts shorter than this are scanned each time they are met: a lookup in the memo costs about
 * as much as their scan. @internal
 */
export const MEMO_MIN_LENGTH = 256;
// How many lists of secrets a memo keeps texts for (a door's agents with different keys).
const MEMO_MAX_LISTS = 16;

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
 * @internal
 */
export function createScanMemo(): ScanMemo {
  const bySecrets = new Map<string, WeakMap<object, Map<PropertyKey, string>>>();
  return {
    scannedChars: 0,
    cleanTexts(secrets): CleanTexts {
      const named = JSON.stringify(secrets);
      let held = bySecrets.get(named);
      if (held === undefined) {
        if (bySecrets.size >= MEMO_MAX_LISTS) bySecrets.clear();
        held = new WeakMap();
        bySecrets.set(named, held);
      }
      const texts = held;
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
    },
  };
}
