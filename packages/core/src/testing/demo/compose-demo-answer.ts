import { findActiveLoopStart } from '../../history/find-active-loop-start.ts';
import {
  isJsonObject,
  readFunctionCall,
  readFunctionResponse,
  readRole,
} from '../../history/part-fields.ts';
import { humanizeName } from './read-words.ts';

/** A call of the current loop and the response it got. @internal */
export type Exchange = { name: string; args: Record<string, unknown>; response: unknown };

/**
 * The calls made since the last user text and their responses, paired by id when the calls
 * have ids, else by position. Reads either JSON spelling.
 * @internal
 */
export function readLoopExchanges(contents: readonly unknown[]): Exchange[] {
  const exchanges: Exchange[] = [];
  for (let index = findActiveLoopStart(contents); index < contents.length; index++) {
    const content = contents[index];
    if (!isJsonObject(content) || readRole(content) !== 'model') continue;
    const calls = partsOf(content).map(readFunctionCall).filter(isJsonObject);
    if (calls.length === 0) continue;
    const next = contents[index + 1];
    const responses =
      isJsonObject(next) && readRole(next) === 'user'
        ? partsOf(next).map(readFunctionResponse).filter(isJsonObject)
        : [];
    calls.forEach((call, position) => {
      const byId =
        typeof call['id'] === 'string'
          ? responses.find((response) => response['id'] === call['id'])
          : undefined;
      const response = byId ?? responses[position];
      exchanges.push({
        name: typeof call['name'] === 'string' ? call['name'] : 'tool',
        args: isJsonObject(call['args']) ? call['args'] : {},
        response: response?.['response'],
      });
    });
  }
  return exchanges;
}

function partsOf(content: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(content['parts']) ? content['parts'].filter(isJsonObject) : [];
}

/**
 * A plausible final answer built from tool results: one line per call, with what it was about
 * and what it returned, failures said as such.
 * @internal
 */
export function composeDemoAnswer(exchanges: readonly Exchange[]): string {
  const failed = exchanges.filter((exchange) => errorOf(exchange.response) !== undefined);
  const lines = exchanges.map((exchange) => {
    const label = `**${humanizeName(exchange.name)}${describeArgs(exchange.args)}**`;
    const error = errorOf(exchange.response);
    return error === undefined
      ? `- ${label}: ${summarize(unwrap(exchange.response), 0)}`
      : `- ${label}: I could not get this (${summarize(error, 1)}).`;
  });
  const intro =
    failed.length === exchanges.length
      ? 'I tried, but the tools reported errors:'
      : exchanges.length === 1
        ? 'Here is what I found:'
        : `Here is what I found (${exchanges.length} results):`;
  const outro =
    failed.length > 0 && failed.length < exchanges.length
      ? 'Some lookups failed; ask again and I will retry them.'
      : 'Let me know if you need anything else.';
  return `${intro}\n\n${lines.join('\n')}\n\n${outro}`;
}

function errorOf(response: unknown): unknown {
  return isJsonObject(response) && response['error'] !== undefined ? response['error'] : undefined;
}

const wrappers = ['output', 'result', 'return_value', 'returnValue', 'content', 'data', 'value'];

function unwrap(response: unknown): unknown {
  if (!isJsonObject(response)) return response;
  const keys = Object.keys(response);
  if (keys.length === 1 && wrappers.includes(keys[0] as string)) return response[keys[0] as string];
  if (response['output'] !== undefined) return response['output'];
  return response;
}

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
  const text = values.map(({ value }) => value).join(', ');
  return ` (${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

function summarize(value: unknown, depth: number): string {
  if (value === undefined || value === null) return 'no result';
  if (typeof value === 'string') {
    const text = value.replace(/\s+/g, ' ').trim();
    return text.length > 280 ? `${text.slice(0, 277)}...` : text || 'an empty text';
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (depth > 2) return '...';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'nothing';
    const shown = value
      .slice(0, 5)
      .map((item) => summarize(item, depth + 1))
      .join('; ');
    return value.length > 5 ? `${shown} (and ${value.length - 5} more)` : shown;
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value).slice(0, 8);
    if (entries.length === 0) return 'done';
    return entries
      .map(([key, item]) => `${humanizeName(key).toLowerCase()} ${summarize(item, depth + 1)}`)
      .join(', ');
  }
  return String(value);
}
