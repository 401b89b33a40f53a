import { isJsonObject } from '../../history/part-fields.ts';
import type { Exchange } from './read-loop-exchanges.ts';
import { humanizeName } from './read-words.ts';

/**
 * One sentence for one tool call and its result, read the way a person would say it, from the
 * result's keys (any tool, not only the demo's):
 * - an expression and its result: "23 × 19 = 437."
 * - a conversion: the result's own `text` ("18 °C = 64.4 °F."), else "10 km is 6.2 mi."
 * - a temperature: "Paris: 18 °C, partly cloudy (simulated)."
 * - a readable form (`formatted`, `text`, `summary`, `message`, `content`): "Asia/Tokyo: Friday, ..."
 * - a list: "List files (docs): 3 entries: a.md, b.md, c."
 * - anything else: a compact `key: value` list.
 * A failure says so with the tool's message. A result that says it is simulated, an example or
 * not real keeps that label, in brackets.
 * @internal
 */
export function describeExchange({ name, args, response }: Exchange): string {
  const label = `${humanizeName(name)}${describeArgs(args)}`;
  const error = errorOf(response);
  if (error !== undefined) return `${label} failed: ${clip(textOf(error), 160)}.`;
  const value = unwrap(response);
  const subject = subjectOf(args);
  const expression = typeof args['expression'] === 'string' ? args['expression'] : undefined;
  if (!isJsonObject(value)) {
    if (value === undefined || value === null) return `${label}: no result.`;
    if (expression !== undefined) return `${pretty(expression)} = ${textOf(value)}.`;
    return `${subject === undefined ? label : subject}: ${clip(textOf(value), 280).replace(/[.\s]+$/, '')}.`;
  }
  const note = disclaimerOf(value);
  const end = note === undefined ? '.' : ` (${note}).`;
  const result = numberOf(value, /^(result|value|answer|output|total|converted)$/i);
  const ownExpression =
    expression ?? (typeof value['expression'] === 'string' ? value['expression'] : undefined);
  if (ownExpression !== undefined && result !== undefined) {
    return `${pretty(ownExpression)} = ${result}${end}`;
  }
  const conversion = describeConversion(args, value, result);
  if (conversion !== undefined) return `${conversion}${end}`;
  const temperature = describeTemperature(value);
  if (temperature !== undefined)
    return `${subject ?? placeOf(value) ?? label}: ${temperature}${end}`;
  const readable = readableOf(value);
  if (readable !== undefined) {
    const about = subject ?? placeOf(value);
    return `${about === undefined ? label : about}: ${readable}${end}`;
  }
  const list = describeList(value);
  if (list !== undefined) return `${label}: ${list}${end}`;
  return `${label}: ${compact(value)}${end}`;
}

function errorOf(response: unknown): unknown {
  return isJsonObject(response) && response['error'] !== undefined ? response['error'] : undefined;
}

const wrappers = ['output', 'result', 'return_value', 'returnValue', 'content', 'data', 'value'];

/** `{ output: x }` (gemloop's own wrapper), `{ result: x }` and the like → `x`. */
function unwrap(response: unknown): unknown {
  if (!isJsonObject(response)) return response;
  const keys = Object.keys(response);
  if (keys.length === 1 && wrappers.includes(keys[0] as string)) return response[keys[0] as string];
  if (response['output'] !== undefined) return response['output'];
  return response;
}

/** `{ city: 'Paris' }` → ` (Paris)`; `{ value: 10, from: 'km', to: 'mi' }` → ` (10 km → mi)`. */
function describeArgs(args: Record<string, unknown>): string {
  const values = Object.entries(args)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
    .map(([key, value]) => ({ key, value: String(value) }));
  if (values.length === 0) return '';
  const from = values.find(({ key }) => /^(from|source)/i.test(key));
  const to = values.find(({ key }) => /^(to|target)/i.test(key));
  if (from !== undefined && to !== undefined) {
    const amount = values.find(({ key }) => key !== from.key && key !== to.key);
    return ` (${amount === undefined ? '' : `${amount.value} `}${from.value} → ${to.value})`;
  }
  return ` (${clip(values.map(({ value }) => value).join(', '), 60)})`;
}

const subjectKeys =
  /^(city|location|place|town|country|region|destination|time_?zone|tz|path|file|query|symbol|ticker|name)$/i;

/** What the call was about, from its arguments: the city, zone, path or query. */
function subjectOf(args: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(args)) {
    if (subjectKeys.test(key) && typeof value === 'string' && value.trim() !== '') {
      return clip(value.trim(), 60);
    }
  }
  return undefined;
}

function placeOf(value: Record<string, unknown>): string | undefined {
  const place = value['location'] ?? value['city'] ?? value['place'] ?? value['name'];
  return typeof place === 'string' && place !== '' ? clip(place, 60) : undefined;
}

function numberOf(value: Record<string, unknown>, key: RegExp): number | undefined {
  for (const [name, item] of Object.entries(value)) {
    if (key.test(name) && typeof item === 'number') return item;
  }
  return undefined;
}

/** `23 * 19` → `23 × 19`. */
function pretty(expression: string): string {
  return expression
    .replace(/\s*\*\s*(?!\*)/g, ' × ')
    .replace(/\s+/g, ' ')
    .trim();
}

function describeConversion(
  args: Record<string, unknown>,
  value: Record<string, unknown>,
  result: number | undefined,
): string | undefined {
  const from = Object.entries(args).find(([key]) =>
    /^(from|source|unit_?from|from_?unit)$/i.test(key),
  )?.[1];
  const to = Object.entries(args).find(([key]) =>
    /^(to|target|unit_?to|to_?unit)$/i.test(key),
  )?.[1];
  const amount = Object.values(args).find((item) => typeof item === 'number');
  // A conversion has an amount: `from`/`to` alone may be dates (a date difference).
  if (typeof from !== 'string' || typeof to !== 'string' || typeof amount !== 'number') {
    return undefined;
  }
  const text = value['text'] ?? value['formatted'];
  if (typeof text === 'string' && text.length <= 160) return text.replace(/[.\s]+$/, '');
  if (result === undefined) return undefined;
  return `${amount} ${unitSymbol(from)} is ${result} ${unitSymbol(to)}`;
}

function unitSymbol(unit: string): string {
  return /^[CFK]$/.test(unit) && unit !== 'K' ? `°${unit}` : unit;
}

/** "18 °C, partly cloudy", from a temperature key, its unit, and a conditions text. */
function describeTemperature(value: Record<string, unknown>): string | undefined {
  const entry = Object.entries(value).find(
    ([key, item]) =>
      typeof item === 'number' &&
      /temp|celsius|fahrenheit/i.test(key) &&
      !/feel|min|max|low|high|dew|apparent/i.test(key),
  );
  if (entry === undefined) return undefined;
  const [key, degrees] = entry;
  const unitText = String(value['unit'] ?? value['units'] ?? value['scale'] ?? '');
  const unit = /(c|celsius)$/i.test(key)
    ? '°C'
    : /(f|fahrenheit)$/i.test(key)
      ? '°F'
      : /^(c|celsius|metric)$/i.test(unitText)
        ? '°C'
        : /^(f|fahrenheit|imperial)$/i.test(unitText)
          ? '°F'
          : '°';
  const conditions = Object.entries(value).find(
    ([name, item]) =>
      typeof item === 'string' &&
      /condition|summary|description|weather|sky|status/i.test(name) &&
      item.length <= 80,
  )?.[1];
  return `${degrees} ${unit}${typeof conditions === 'string' ? `, ${conditions}` : ''}`;
}

function readableOf(value: Record<string, unknown>): string | undefined {
  for (const key of [
    'formatted',
    'text',
    'summary',
    'message',
    'answer',
    'description',
    'content',
  ]) {
    const item = value[key];
    if (typeof item === 'string' && item.trim() !== '')
      return clip(item.replace(/\s+/g, ' ').trim(), 280).replace(/[.\s]+$/, '');
  }
  return undefined;
}

const listNames = /^(entries|files|items|results|matches|list|records|rows|hits|values|lines)$/i;

/** "3 entries: a.md, b.md, c" from the result's main array. */
function describeList(value: Record<string, unknown>): string | undefined {
  // The result's main array: a list-like name, or a list of records (not `history: [1, 2]`).
  const entry = Object.entries(value).find(
    ([key, item]) =>
      Array.isArray(item) &&
      (listNames.test(key) || (item.length > 0 && item.every((element) => isJsonObject(element)))),
  );
  if (entry === undefined) return undefined;
  const [key, items] = entry as [string, unknown[]];
  if (items.length === 0) return `no ${humanizeName(key).toLowerCase()}`;
  const shown = items.slice(0, 5).map(itemName);
  const more = items.length > 5 ? `, and ${items.length - 5} more` : '';
  const noun = humanizeName(key).toLowerCase();
  return `${items.length} ${items.length === 1 ? noun.replace(/s$/, '') : noun}: ${shown.join(', ')}${more}`;
}

function itemName(item: unknown): string {
  if (!isJsonObject(item)) return clip(textOf(item), 60);
  const path = item['path'] ?? item['name'] ?? item['title'] ?? item['id'] ?? item['url'];
  const line = item['line'] ?? item['lineNumber'];
  if (typeof path === 'string' || typeof path === 'number') {
    return typeof line === 'number' ? `${path}:${line}` : String(path);
  }
  return clip(compact(item), 60);
}

/** `location: Paris, temperatureC: 18`: the plain fields, a few of them. */
function compact(value: Record<string, unknown>): string {
  const fields = Object.entries(value)
    .filter(([key]) => !/^(source|note|disclaimer|warning|notice)$/i.test(key))
    .slice(0, 6)
    .map(([key, item]) => {
      if (Array.isArray(item)) return `${key}: ${item.length} item(s)`;
      if (isJsonObject(item)) return `${key}: {…}`;
      return `${key}: ${clip(textOf(item), 60)}`;
    });
  return fields.length === 0 ? 'done' : fields.join(', ');
}

/** The first phrase of a field saying the data is not real: "simulated", "example data". */
function disclaimerOf(value: Record<string, unknown>): string | undefined {
  for (const [key, item] of Object.entries(value)) {
    if (!/^(source|note|notes|disclaimer|warning|notice|data_?source)$/i.test(key)) continue;
    if (typeof item !== 'string') continue;
    if (
      !/simulat|example|sample|demo|fake|mock|not (?:a )?(?:real|live)|offline|test data/i.test(
        item,
      )
    )
      continue;
    return clip(item.split(/[:;,(]/)[0]?.trim() ?? item, 60);
  }
  return undefined;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (isJsonObject(value) && typeof value['message'] === 'string') return value['message'];
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
