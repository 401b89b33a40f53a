import { isUnit } from './find-units.ts';
import { knownCities, knownRegions, notPlaceWords } from './known-places.ts';

/** A place named in a text, with where it is (offsets into that text). @internal */
export type PlaceMention = { name: string; start: number; end: number };

/** Lower-case words allowed inside a name between capitalised words ("Rio de Janeiro"). */
const connectors = 'de|da|do|dos|das|del|della|di|du|des|la|le|les|el|al|of|upon|am|sur|en|y';

// A run of capitalised words, with connectors between them. No `.` inside words: "Paris. Tokyo"
// are two sentences, not one name.
const namePattern = new RegExp(
  `(?<![\\p{L}\\d_/])\\p{Lu}[\\p{L}'’-]*(?:[ \\t]+(?:(?:${connectors})[ \\t]+)?\\p{Lu}[\\p{L}'’-]*)*`,
  'gu',
);
const wordPattern = /\S+/g;

/**
 * Proper names that can be places, in the order written: capitalised runs ("Paris", "New York",
 * "Rio de Janeiro", "São Paulo", "Kraków"), wherever they stand, minus the words that only look
 * like names because they start a sentence or a request ("What", "Tell", "Please", "Compare",
 * "London *Weather*"); plus the known big cities written in lower case ("weather in paris").
 * "Paris, France" stays one place. URLs, e-mails, file names and time-zone ids are not read.
 * @internal
 */
export function findPlaceMentions(text: string): PlaceMention[] {
  const masked = maskNonProse(text);
  const mentions: PlaceMention[] = [];
  for (const match of masked.matchAll(namePattern)) {
    for (const found of placeRuns(match[0], match.index)) {
      const run = atSentenceStart(masked, found) ? sentenceStartRun(masked, found) : found;
      if (run === undefined) continue;
      const name = text.slice(run.start, run.end);
      if (!isPlaceName(name)) continue;
      mentions.push({ name: canonical(name), start: run.start, end: run.end });
    }
  }
  const lower = masked.toLowerCase();
  for (const [key, city] of knownCities) {
    if (key.length < 4) continue;
    for (const start of wholeWordsAt(lower, key)) {
      const end = start + key.length;
      if (mentions.some((mention) => start < mention.end && end > mention.start)) continue;
      mentions.push({ name: city.name, start, end });
    }
  }
  mentions.sort((left, right) => left.start - right.start);
  return mergeRegions(text, mentions);
}

/** The places of a text, in order, each once. @internal */
export function findPlaces(text: string): string[] {
  return [...new Set(findPlaceMentions(text).map((mention) => mention.name))];
}

/**
 * Blanks what is not prose (URLs, e-mails, time-zone ids like `America/New_York`, paths and file
 * names, `code`) with spaces, so offsets still match the original text.
 * @internal
 */
export function maskNonProse(text: string): string {
  // The e-mail and path branches start only where their run of characters starts: from every
  // letter of a long word (a pasted hash or base64 blob) each scanned to the word's end, which
  // was quadratic (6 s for one word of 40,000 letters).
  return text.replace(
    /https?:\/\/\S+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+|`[^`]*`|(?<![\p{L}\w.-])[\p{L}\w.-]*\/[\p{L}\w./-]*|\b[\w-]+\.[a-z][a-z0-9]{0,4}\b/gu,
    (found) => ' '.repeat(found.length),
  );
}

type Run = { start: number; end: number };

/** Splits a capitalised run at the words that are not place words; trims edge connectors. */
function placeRuns(run: string, offset: number): Run[] {
  const runs: Run[] = [];
  let current: { start: number; end: number; words: string[] } | undefined;
  const close = () => {
    if (current === undefined) return;
    while (current.words.length > 0 && isConnector(current.words.at(-1) as string)) {
      current.words.pop();
    }
    if (current.words.length > 0) runs.push({ start: current.start, end: current.end });
    current = undefined;
  };
  for (const match of run.matchAll(wordPattern)) {
    const word = match[0];
    const start = offset + match.index;
    if (isConnector(word)) {
      if (current !== undefined) current.words.push(word);
      continue;
    }
    if (notPlaceWords.has(plain(word))) {
      close();
      continue;
    }
    if (current === undefined) current = { start, end: start + word.length, words: [word] };
    else {
      current.words.push(word);
      current.end = start + word.length;
    }
  }
  close();
  return runs;
}

function atSentenceStart(text: string, run: Run): boolean {
  const before = text.slice(0, run.start).trimEnd();
  return before === '' || /[.!?:;\n]$/.test(before);
}

/**
 * A capitalised word opening a sentence may be a verb no list knows ("Rate Paris", "Visit the
 * Louvre"): it is dropped when a known place follows it in the same run, and a lone word is not a
 * place when an article, a pronoun or a number comes next ("Rate the weather", "Convert 20 C").
 */
function sentenceStartRun(text: string, run: Run): Run | undefined {
  const name = text.slice(run.start, run.end);
  const words = name.split(/\s+/);
  if (words.length > 1) {
    if (isKnown(name)) return run;
    const rest = words.slice(1).join(' ');
    if (isKnown(rest)) return { start: run.end - rest.length, end: run.end };
    return run;
  }
  if (isKnown(name)) return run;
  const next = /^\s+(\S+)/.exec(text.slice(run.end))?.[1]?.toLowerCase() ?? '';
  const verbLike =
    /^\d/.test(next) ||
    /^(the|a|an|me|my|us|our|your|it|its|this|that|these|those|all|some|how|what|which|whether|if|up|out|down)$/.test(
      next,
    );
  return verbLike ? undefined : run;
}

function isKnown(name: string): boolean {
  const lower = name.toLowerCase();
  return knownCities.has(lower) || knownRegions.has(lower);
}

function isConnector(word: string): boolean {
  return new RegExp(`^(?:${connectors})$`).test(word);
}

/** `What's` → `what`, `I’m` → `im`: the form the word lists use. */
function plain(word: string): string {
  return word
    .toLowerCase()
    .replace(/['’]s$/, '')
    .replace(/['’]/g, '');
}

function isPlaceName(name: string): boolean {
  if (name.length < 2 || /\d/.test(name) || isUnit(name)) return false;
  const lower = name.toLowerCase();
  // All-capital words are acronyms (TODO, API, PDF) unless they are known places (NYC, UK).
  if (name === name.toUpperCase() && !knownCities.has(lower) && !knownRegions.has(lower)) {
    return false;
  }
  return true;
}

/** A possessive or trailing apostrophe is not part of the name: "Tokyo's" → "Tokyo". */
function canonical(name: string): string {
  return name.replace(/['’]s?$/, '');
}

/** "Paris, France" and "Portland, Oregon"-like pairs: a city followed by a known region. */
function mergeRegions(text: string, mentions: PlaceMention[]): PlaceMention[] {
  const merged: PlaceMention[] = [];
  for (let index = 0; index < mentions.length; index++) {
    const mention = mentions[index] as PlaceMention;
    const next = mentions[index + 1];
    if (
      next !== undefined &&
      /^,\s*$/.test(text.slice(mention.end, next.start)) &&
      knownRegions.has(next.name.toLowerCase()) &&
      !knownRegions.has(mention.name.toLowerCase())
    ) {
      merged.push({
        name: `${mention.name}, ${next.name}`,
        start: mention.start,
        end: next.end,
      });
      index++;
      continue;
    }
    merged.push(mention);
  }
  return merged;
}

/** A letter, digit or `_` ends the text before, or starts the text after, a whole word. */
const wordBefore = /[\p{L}\d_]$/u;
const wordAfter = /^[\p{L}\d_]/u;

/**
 * Where `key` stands in `text` as a whole word, in order, each after the last one's end: what
 * `matchAll` of `(?<![\p{L}\d_])key(?![\p{L}\d_])` (flags `gu`) finds, without making and
 * compiling that pattern for each of the ~100 cities on every question (the first question of an
 * example process took ~35 ms in them; bench/RESULTS.md, test-speed15). Two code units on each
 * side hold the code point next to the key, a surrogate pair too.
 */
function wholeWordsAt(text: string, key: string): number[] {
  const found: number[] = [];
  let start = text.indexOf(key);
  while (start !== -1) {
    const end = start + key.length;
    if (
      !wordBefore.test(text.slice(Math.max(0, start - 2), start)) &&
      !wordAfter.test(text.slice(end, end + 2))
    ) {
      found.push(start);
      start = text.indexOf(key, end);
    } else start = text.indexOf(key, start + 1);
  }
  return found;
}
