// Control, line-breaking and bidi characters: a file name may hold any of them but `/` and NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A path inside a skills folder as errors show it: each control, line-breaking or bidi character
 * written as its `\uXXXX` escape. A skill comes from someone else, and its file names are theirs:
 * a name with terminal escapes (clear the screen, an OSC 8 link) or a bidi override went raw into
 * the `SkillError` an app prints (attack43b). The escape keeps the name findable on disk.
 * @internal
 */
export function shownPath(path: string): string {
  return path.replace(
    UNPRINTABLE,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
