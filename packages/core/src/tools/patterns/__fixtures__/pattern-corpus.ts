import { z } from 'zod';

// The corpus the pattern analysis must pass without one false positive (what users write, and
// every regex zod runs for its own formats), and the ReDoS classes it must refuse. Each pattern
// here was also judged by recheck 4.5 (makenowjust-labs, automata + fuzzing) in bench/RESULTS.md
// "redos": it agrees on every one, the two exceptions are said where they stand.

/** Every pattern zod 4 writes into a JSON Schema for its formats, taken from zod itself. */
export function zod4FormatPatterns(): [string, string][] {
  const formats: Record<string, z.ZodType> = {
    email: z.email(),
    html5Email: z.email({ pattern: z.regexes.html5Email }),
    rfc5322Email: z.email({ pattern: z.regexes.rfc5322Email }),
    unicodeEmail: z.email({ pattern: z.regexes.unicodeEmail }),
    uuid: z.uuid(),
    uuidv4: z.uuidv4(),
    uuidv7: z.uuidv7(),
    guid: z.guid(),
    hostname: z.hostname(),
    emoji: z.emoji(),
    nanoid: z.nanoid(),
    cuid: z.cuid(),
    cuid2: z.cuid2(),
    ulid: z.ulid(),
    xid: z.xid(),
    ksuid: z.ksuid(),
    ipv4: z.ipv4(),
    ipv6: z.ipv6(),
    cidrv4: z.cidrv4(),
    cidrv6: z.cidrv6(),
    mac: z.mac(),
    base64: z.base64(),
    base64url: z.base64url(),
    e164: z.e164(),
    isoDate: z.iso.date(),
    isoTime: z.iso.time(),
    isoDatetime: z.iso.datetime(),
    isoDatetimeOffset: z.iso.datetime({ offset: true, local: true }),
    isoDatetimeMillis: z.iso.datetime({ precision: 3 }),
    isoDuration: z.iso.duration(),
    lowercase: z.string().lowercase(),
    uppercase: z.string().uppercase(),
    hex: z.hex(),
    sha256: z.hash('sha256'),
  };
  return Object.entries(formats).map(([name, schema]) => {
    const { pattern } = z.toJSONSchema(schema) as { pattern?: string };
    if (pattern === undefined) throw new Error(`zod 4 wrote no pattern for ${name}`);
    return [`zod 4 ${name}`, pattern];
  });
}

/** The regexes zod 3.25.76 runs for its formats (zod/v3/types.js), as zod-to-json-schema writes them. */
export const ZOD3_FORMATS: [string, string][] = [
  ['zod 3 cuid', '^c[^\\s-]{8,}$'],
  ['zod 3 cuid2', '^[0-9a-z]+$'],
  ['zod 3 ulid', '^[0-9A-HJKMNP-TV-Z]{26}$'],
  [
    'zod 3 uuid',
    '^[0-9a-fA-F]{8}\\b-[0-9a-fA-F]{4}\\b-[0-9a-fA-F]{4}\\b-[0-9a-fA-F]{4}\\b-[0-9a-fA-F]{12}$',
  ],
  ['zod 3 nanoid', '^[a-z0-9_-]{21}$'],
  ['zod 3 jwt', '^[A-Za-z0-9-_]+\\.[A-Za-z0-9-_]+\\.[A-Za-z0-9-_]*$'],
  [
    'zod 3 duration',
    String.raw`^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$`,
  ],
  [
    'zod 3 email',
    String.raw`^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}$`,
  ],
  ['zod 3 base64', '^([0-9a-zA-Z+/]{4})*(([0-9a-zA-Z+/]{2}==)|([0-9a-zA-Z+/]{3}=))?$'],
  ['zod 3 base64url', '^([0-9a-zA-Z-_]{4})*(([0-9a-zA-Z-_]{2}(==)?)|([0-9a-zA-Z-_]{3}(=)?))?$'],
  [
    'zod 3 ipv4',
    String.raw`^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$`,
  ],
  [
    'zod 3 ipv6',
    String.raw`^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))$`,
  ],
  [
    'zod 3 datetime',
    String.raw`^((\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|(02)-(0[1-9]|1\d|2[0-8])))T(([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|([+-]\d{2}:?\d{2})))$`,
  ],
];

/** What users write in tool schemas, and the patterns of this repository's own tests. */
export const COMMON: [string, string][] = [
  ['email, no spaces', String.raw`^[^\s@]+@[^\s@]+$`],
  ['email, word characters', String.raw`^[\w.+-]+@[\w-]+(\.[\w-]+)+$`],
  ['email, classic', String.raw`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`],
  ['uuid', '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'],
  ['date', String.raw`^\d{4}-\d{2}-\d{2}$`],
  ['date, checked', String.raw`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`],
  ['ISO timestamp', String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`],
  ['time', String.raw`^([01]\d|2[0-3]):[0-5]\d$`],
  [
    'semver (semver.org)',
    String.raw`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`,
  ],
  ['semver, plain', String.raw`^\d+\.\d+\.\d+$`],
  ['phone, E.164', String.raw`^\+?[1-9]\d{1,14}$`],
  ['phone, US', String.raw`^\(?\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}$`],
  ['phone, loose', '^\\+?[0-9 ()-]{7,20}$'],
  ['slug', '^[a-z0-9]+(?:-[a-z0-9]+)*$'],
  ['slug, loose', '^[a-z0-9-]+$'],
  ['hex colour', '^#(?:[0-9a-fA-F]{3}){1,2}$'],
  ['hex colour, two forms', '^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$'],
  ['hex colour with alpha', '^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$'],
  ['URL, loose', String.raw`^https?://[^\s/$.?#].[^\s]*$`],
  ['URL, host and path', String.raw`^https?://[a-z0-9.-]+(:\d+)?(/[^\s]*)?$`],
  ['ZIP code', String.raw`^\d{5}(-\d{4})?$`],
  ['currency code', '^[A-Z]{3}$'],
  ['identifier', '^[A-Za-z_][A-Za-z0-9_]*$'],
  ["Gemini's function name", '^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$'],
  ['password rules', String.raw`^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{8,}$`],
  ['words', String.raw`^\w+( \w+)*$`],
  ['comma-separated integers', String.raw`^\d+(,\d+)*$`],
  ['decimal', String.raw`^-?\d+(\.\d+)?$`],
  ['money', String.raw`^\$?\d{1,3}(,\d{3})*(\.\d{2})?$`],
  ['IBAN', String.raw`^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$`],
  ['MIME type', '^[a-z]+/[a-z0-9.+-]+$'],
  ['image file name', String.raw`^[^/\\]+\.(png|jpe?g|gif)$`],
  ['owner/repo', '^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$'],
  ['language tag', '^[a-z]{2,3}(-[A-Z]{2})?$'],
  ['IPv4, loose', String.raw`^(\d{1,3}\.){3}\d{1,3}$`],
  // The patterns of this repository's tests (find-json-schema-problems, strip-schema-patterns, evals).
  ['letters (repo)', String.raw`^\p{L}+$`],
  ['path (repo)', String.raw`^[\w./-]+$`],
  ['five digits (repo)', String.raw`\d{5}`],
  ['one code point (repo)', '^.$'],
  ['prefix (repo)', '^x'],
  ['an at sign (repo)', '@'],
  ['three capitals (repo)', '^[A-Z]{3}$'],
  ['(a|ab)*c anchored: one reading per string', '^(a|ab)*c$'],
  // Bounded runs whose choices multiply to little (bench/RESULTS.md, "redos4"): 64 × 64 ways.
  ['digits, bounded', String.raw`^\d{1,10}$`],
  ['letters, bounded', '^[a-z]{2,64}$'],
  ['two bounded words', String.raw`^\w{1,64}\s?\w{1,64}$`],
  ['name, bounded parts', "^[A-Za-z][A-Za-z' -]{0,48}[A-Za-z]$"],
];

/** The known ReDoS classes, with what the analysis must call them. */
export const UNSAFE: [string, string, 'exponential' | 'polynomial'][] = [
  ['nested quantifiers', '^(a+)+$', 'exponential'],
  ['nested stars', '(a*)*b', 'exponential'],
  ['nested class', '^([a-zA-Z]+)*$', 'exponential'],
  ['overlapping alternation', '^(a|a)*$', 'exponential'],
  ['alternation a|aa', '^(a|aa)+$', 'exponential'],
  ['alternation a|b|ab', '^(a|b|ab)*$', 'exponential'],
  ['unanchored (a|ab)*c: every suffix retried', '(a|ab)*c', 'polynomial'],
  ['adjacent quantifiers', String.raw`^\d+\d+$`, 'polynomial'],
  ['adjacent quantifiers, unanchored', String.raw`\d+\d+$`, 'polynomial'],
  ['(.*a){x}', '^(.*a){12}$', 'polynomial'],
  ['(.*a){x}, unanchored', '(.*a){20}', 'polynomial'],
  ['three dot-stars', '^.*a.*a.*a$', 'polynomial'],
  ['words with optional spaces', String.raw`^(\w+\s?)*$`, 'exponential'],
  [
    "zod 3.22.2's email (CVE-2023-4316)",
    String.raw`^([A-Z0-9_+-]+\.?)*[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}$`,
    'exponential',
  ],
  [
    "OWASP's email example",
    String.raw`^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$`,
    'exponential',
  ],
  ["OWASP's Java class name", '^(([a-z])+.)+[A-Z]([a-z])+$', 'exponential'],
  ['domain labels', String.raw`^([a-z0-9]+(-[a-z0-9]+)*\.?)+[a-z]{2,}$`, 'exponential'],
  // Quadratic: 10,000 characters take 0.4 s here, 100,000 take 37 s (bench/RESULTS.md, "redos").
  ['email with a dot after the @', String.raw`^[^\s@]+@[^\s@]+\.[^\s@]+$`, 'polynomial'],
  ['trailing spaces, unanchored', String.raw`\s+$`, 'polynomial'],
  ['spaces around', String.raw`^\s*x\s*\s*$`, 'polynomial'],
  // zod 3.25's own `.emoji()`: "🦰" (both classes) 24 times and an "x" take 1.4 s.
  ['zod 3 emoji', '^(\\p{Extended_Pictographic}|\\p{Emoji_Component})+$', 'exponential'],
  // A bound does not save a repeated group (the lead, after the merge): "1" 26 times and a "!" take
  // 0.8 s against the first, 40 would take hours; the third splits 180 letters ~10^13 ways.
  ['overlapping alternation, bounded', String.raw`^(\d|\w){1,64}$`, 'exponential'],
  ['a|a, bounded', '^(a|a){0,60}$', 'exponential'],
  ['variable-length group, bounded', String.raw`^(\w{1,20}){1,9}$`, 'exponential'],
  // Bounded runs side by side are polynomial in their bounds (redos4, V8 at load ~13): the first on
  // 16,000 "1"s and a "!" takes 0.7 s, the second on 1,500 takes 2 s, the third on 28 takes 17 s,
  // the fourth on 262,144 (a model's longest string) 0.2 s, the fifth 0.8 s.
  ['bounded runs side by side', String.raw`^\d{0,10000}\d{0,10000}$`, 'polynomial'],
  ['three bounded runs', String.raw`^\d{0,5000}\d{0,5000}\d{0,5000}x$`, 'polynomial'],
  ['bounded words, repeated', String.raw`^(?:\w{0,3000}\s?){0,3000}$`, 'exponential'],
  ['a bounded run before an unbounded one', String.raw`^\d{0,100}\d*$`, 'polynomial'],
  ['a bounded run, unanchored', '[a-z]{1,64}!', 'polynomial'],
];
