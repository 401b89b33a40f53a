/**
 * Word handling of the demo model: tokens, a crude stem, stopwords and the synonym groups that
 * let "forecast" find a `get_weather` tool. Deterministic and dependency-free on purpose: the
 * demo is a simulator, not a language model.
 * @internal
 */

const stopwords = new Set(
  (
    'a an the and or but if then else of to in on at for from by with about as into over is are was ' +
    'were be been am do does did can could would should will shall may might must what whats which who ' +
    'whom whose when where why how me my i you your we our us it its this that these those there here ' +
    'please tell give show get let lets also just some any all each both much many more most tool use ' +
    'using now today right like need want know find out'
  ).split(' '),
);

/** Verbs that say nothing about which tool fits (`get_weather`, `fetch_page`). */
const genericVerbs = new Set(['get', 'fetch', 'set', 'do', 'run', 'make', 'call', 'use', 'tool']);

const synonymGroups: readonly (readonly string[])[] = [
  [
    'weather',
    'forecast',
    'temperature',
    'temp',
    'rain',
    'sunny',
    'snow',
    'wind',
    'humid',
    'climate',
    'hot',
    'cold',
    'degree',
  ],
  [
    'convert',
    'conversion',
    'unit',
    'celsius',
    'fahrenheit',
    'kelvin',
    'km',
    'mile',
    'kg',
    'pound',
    'currency',
    'exchange',
  ],
  [
    'calculate',
    'calculator',
    'calc',
    'compute',
    'math',
    'arithmetic',
    'evaluate',
    'sum',
    'plus',
    'minus',
    'multiply',
    'divide',
    'expression',
    'equal',
    'add',
    'times',
    'percent',
  ],
  ['search', 'lookup', 'look', 'google', 'web', 'news', 'latest', 'research', 'query'],
  [
    'time',
    'clock',
    'hour',
    'minute',
    'timezone',
    'date',
    'day',
    'week',
    'weekday',
    'month',
    'year',
    'until',
    'since',
    'ago',
    'duration',
    'elapsed',
    'countdown',
    'long',
  ],
  ['email', 'mail', 'send', 'message', 'notify'],
  ['file', 'read', 'open', 'document', 'directory', 'folder'],
  ['stock', 'price', 'share', 'ticker', 'market', 'quote'],
  ['translate', 'translation', 'language'],
  ['order', 'refund', 'purchase', 'invoice'],
  ['fetch', 'url', 'page', 'website', 'site', 'link', 'download'],
];

// why (table): built once at load from the table above, then only read.
const groupOf = new Map<string, number>();
synonymGroups.forEach((group, index) => {
  for (const word of group) groupOf.set(word, index);
});

/** Lower-case stem: drops a plural `s`, `ing`, `ed`. @internal */
export function stem(word: string): string {
  let value = word.toLowerCase();
  // "12 times 4" is arithmetic, not a time.
  if (value === 'times') return value;
  if (value.length > 5 && value.endsWith('ing')) value = value.slice(0, -3);
  else if (value.length > 4 && value.endsWith('ed')) value = value.slice(0, -2);
  else if (value.length > 3 && value.endsWith('s') && !value.endsWith('ss'))
    value = value.slice(0, -1);
  return value;
}

/** The meaningful stems of a text (stopwords dropped). @internal */
export function meaningfulStems(text: string): string[] {
  const words = text.match(/[A-Za-zÀ-ÿ]+/g) ?? [];
  return words
    .map((word) => word.toLowerCase())
    .filter((word) => !stopwords.has(word))
    .map(stem);
}

/**
 * The stems of a function name: `get_weather` → `weather`, `convertUnits` → `convert`, `unit`.
 * @internal
 */
export function nameStems(name: string): string[] {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_.:-]+/g, ' ');
  return meaningfulStems(spaced).filter((word) => !genericVerbs.has(word));
}

/** The synonym group of a stem, if any. @internal */
export function synonymGroup(word: string): number | undefined {
  return groupOf.get(word) ?? groupOf.get(stem(word));
}

/** Whether a word is a stopword. @internal */
export function isStopword(word: string): boolean {
  return stopwords.has(word.toLowerCase());
}

/** `get_weather` → `Weather`, `convert_units` → `Convert units`. @internal */
export function humanizeName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_.:\s-]+/)
    .filter((word) => word !== '');
  const meaningful =
    words.length > 1 && genericVerbs.has(words[0]?.toLowerCase() ?? '') ? words.slice(1) : words;
  const text = meaningful.join(' ').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
