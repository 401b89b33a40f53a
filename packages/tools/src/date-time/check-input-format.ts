import { quoteText } from '@gemloop/core/internal';

/** Most tokens an `inputFormat` may have; real layouts need far fewer. */
const MAX_TOKENS = 20;

// Numeric tokens of fixed width: "yyyyMMdd" splits one way only.
const FIXED_NUMERIC = new Set([
  'yy',
  'yyyy',
  'MM',
  'LL',
  'dd',
  'HH',
  'hh',
  'kk',
  'kkkk',
  'WW',
  'mm',
  'ss',
  'SSS',
  'ooo',
  'qq',
  'ii',
  'iiii',
  'nn',
]);
const NUMERIC_LETTERS = new Set([...'yMLdoHhkWmsSuXxqniEc']);

/**
 * Checks an `inputFormat` from the model before luxon turns it into a regular expression. luxon
 * makes each numeric token a group like `(\d{1,2})`, so variable-width numeric tokens written
 * back to back ("HmHmHm...") give a regular expression that backtracks exponentially: measured
 * here, `DateTime.fromFormat('1'.repeat(39) + 'x', 'Hm'.repeat(13))` takes 5 s, and each extra
 * pair multiplies that by about 3. So a variable-width number must be followed by a non-digit
 * token or a literal (`d/M/yyyy`, `H:mm`), fixed-width numbers may touch (`yyyyMMdd`), and the
 * token count is capped.
 *
 * @returns why the format is refused, or `undefined` when it is safe.
 * @internal
 */
export function checkInputFormat(format: string): string | undefined {
  const tokens: string[] = [];
  let index = 0;
  while (index < format.length) {
    const char = format[index] as string;
    if (char === "'") {
      const close = format.indexOf("'", index + 1);
      tokens.push(' ');
      index = close === -1 ? format.length : close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(char)) {
      let end = index + 1;
      while (format[end] === char) end++;
      tokens.push(format.slice(index, end));
      index = end;
      continue;
    }
    tokens.push(' ');
    index++;
  }
  const letterTokens = tokens.filter((token) => token !== ' ');
  if (letterTokens.length > MAX_TOKENS) {
    return `inputFormat has ${letterTokens.length} tokens; at most ${MAX_TOKENS} are allowed.`;
  }
  for (let position = 0; position + 1 < tokens.length; position++) {
    const current = tokens[position] as string;
    const next = tokens[position + 1] as string;
    if (isVariableNumeric(current) && isNumeric(next)) {
      return `inputFormat ${quoteText(format)} puts the variable-width number "${current}" right before the number "${next}", which is ambiguous. Separate them ("${current}:${next}") or use fixed widths ("${current[0]?.repeat(2)}${next}").`;
    }
  }
  return undefined;
}

function isNumeric(token: string): boolean {
  const letter = token[0] as string;
  if (!NUMERIC_LETTERS.has(letter)) return false;
  // MMM, LLLL, EEE, ccc are names, not numbers.
  if ('MLEc'.includes(letter)) return token.length <= 2;
  return true;
}

function isVariableNumeric(token: string): boolean {
  return isNumeric(token) && !FIXED_NUMERIC.has(token);
}
