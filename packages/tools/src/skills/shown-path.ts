import { escapeUnprintable } from '@gemloop/core/internal';

/**
 * A path inside a skills folder as errors show it: each control, line-breaking or bidi character
 * written as its `\uXXXX` escape. A skill comes from someone else, and its file names are theirs:
 * a name with terminal escapes (clear the screen, an OSC 8 link) or a bidi override went raw into
 * the `SkillError` an app prints (attack43b). The escape keeps the name findable on disk.
 * @internal
 */
export function shownPath(path: string): string {
  // Control, line-breaking and bidi characters: a file name may hold any of them but `/` and NUL.
  return escapeUnprintable(path);
}
