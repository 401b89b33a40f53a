import { isJsonObject } from '@gemloop/core/internal';
import { prettyExpression } from './find-values.ts';
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
  if (error !== undefined) return sentence(`${label} failed: ${clip(textOf(error), 160)}`);
  const value = unwrap(response);
  const subject = subjectOf(args);
  const expression = typeof args['expression'] === 'string' ? args['expression'] : undefined;
  if (!isJsonObject(value)) {
    if (value === undefined || value === null) return `${label}: no result.`;
    if (expression !== undefined)
      return sentence(`${prettyExpression(expression)} = ${textOf(value)}`);
    return sentence(`${subject ?? label}: ${flatten(textOf(value), 280)}`);
  }
  const note = disclaimerOf(value);
  const result = numberOf(value, /^(result|value|answer|output|total|converted)$/i);
  const ownExpression =
    expression ?? (typeof value['expression'] === 'string' ? value['expression'] : undefined);
  if (ownExpression !== undefined && result !== undefined) {
    return sentence(`${prettyExpression(ownExpression)} = ${result}`, note);
  }
  const conversion = describeConversion(args, value, result);
  if (conversion !== undefined) return sentence(conversion, note);
  const about = placeOf(value, subject) ?? subject;
  const temperature = describeTemperature(value);
  if (temperature !== undefined) return sentence(`${about ?? label}: ${temperature}`, note);
  const action = describeAction(value);
  if (action !== undefined) return sentence(action, note);
  const readable = readableOf(value);
  if (readable !== undefined) return sentence(`${about ?? label}: ${readable}`, note);
  const list = describeList(value);
  if (list !== undefined) return sentence(`${label}: ${list}`, note);
  return sentence(`${label}: ${compact(value)}`, note);
}

/** Ends a sentence once ("... not notes.md." stays one period), with the data label if any. */
function sentence(text: string, note?: string | undefined): string {
  const trimmed = text.trim();
  if (note !== undefined) return `${trimmed.replace(/[.\s]+$/, '')} (${note}).`;
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

const actionKeys =
  /^(deleted|removed|created|updated|saved|written|sent|added|moved|copied|renamed|booked|scheduled|cancell?ed|approved|published|uploaded)$/i;

/** `{ deleted: 'a.md' }` → "Deleted a.md"; `{ sent: true, to: 'x@y.z' }` → "Sent to x@y.z". */
function describeAction(value: Record<string, unknown>): string | undefined {
  const entry = Object.entries(value).find(
    ([key, item]) => actionKeys.test(key) && (item === true || typeof item === 'string'),
  );
  if (entry === undefined) return undefined;
  const [key, item] = entry;
  const verb = key.charAt(0).toUpperCase() + key.slice(1).toLowerCase();
  const rest = Object.entries(value)
    .filter(
      ([other, field]) =>
        other !== key &&
        (typeof field === 'string' || typeof field === 'number') &&
        !/^(source|note|disclaimer|warning|notice)$/i.test(other),
    )
    .slice(0, 3)
    .map(([other, field]) => `${other} ${clip(String(field), 60)}`);
  const object = typeof item === 'string' ? ` ${clip(item, 80)}` : '';
  return `${verb}${object}${rest.length > 0 ? ` (${rest.join(', ')})` : ''}`;
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

/**
 * The place a result names, when it says more about the asked place ("Lima" → "Lima, Peru");
 * any place it names when nothing was asked.
 */
function placeOf(value: Record<string, unknown>, asked: string | undefined): string | undefined {
  const place = value['location'] ?? value['city'] ?? value['place'];
  if (typeof place !== 'string' || place === '') return undefined;
  if (asked === undefined) return clip(place, 60);
  return place.toLowerCase().startsWith(asked.toLowerCase()) ? clip(place, 60) : undefined;
}

function numberOf(value: Record<string, unknown>, key: RegExp): number | undefined {
  for (const [name, item] of Object.entries(value)) {
    if (key.test(name) && typeof item === 'number') return item;
  }
  return undefined;
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
    if (typeof item === 'string' && item.trim() !== '') return flatten(item, 280);
  }
  return undefined;
}

/**
 * Several lines (a file, Markdown) as running text: headings and bullets lose their marks and
 * each line ends as a sentence. "# Notes\n- Offsite in Lyon" → "Notes. Offsite in Lyon".
 */
function flatten(text: string, max: number): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)/, '').trim())
    .filter((line) => line !== '');
  const joined =
    lines.length <= 1
      ? (lines[0] ?? '')
      : lines.map((line) => (/[.!?:;]$/.test(line) ? line : `${line}.`)).join(' ');
  return clip(joined.replace(/\s+/g, ' '), max).replace(/[.\s]+$/, '');
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
