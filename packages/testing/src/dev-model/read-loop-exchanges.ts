import {
  hasNonEmptyText,
  isJsonObject,
  readFunctionCall,
  readFunctionResponse,
  readRole,
} from '@gemloop/core/internal';

/** A call of a loop and the response it got. @internal */
export type Exchange = { name: string; args: Record<string, unknown>; response: unknown };

/** The calls of one loop, and the user text that started it. @internal */
export type LoopExchanges = { exchanges: Exchange[]; question: string | undefined };

/**
 * The calls made since the last user text and their responses, paired by id when the calls
 * have ids, else by position. Reads either JSON spelling.
 * @internal
 */
export function readLoopExchanges(contents: readonly unknown[]): Exchange[] {
  const starts = userTextIndexes(contents);
  return readRange(contents, (starts.at(-1) ?? -1) + 1, contents.length);
}

/**
 * The exchanges of the latest loop that made calls, with the question that started it: when the
 * last user text is a follow-up ("Now give your final answer as JSON ...", the note gemloop sends
 * for structured output on Gemini 2.x), the results are in the loop before it.
 * @internal
 */
export function readLatestExchanges(contents: readonly unknown[]): LoopExchanges {
  const starts = userTextIndexes(contents);
  let end = contents.length;
  for (let index = starts.length - 1; index >= -1; index--) {
    const start = index >= 0 ? (starts[index] as number) : -1;
    const exchanges = readRange(contents, start + 1, end);
    if (exchanges.length > 0) {
      return { exchanges, question: start >= 0 ? textOf(contents[start]) : undefined };
    }
    end = start;
  }
  return { exchanges: [], question: undefined };
}

function userTextIndexes(contents: readonly unknown[]): number[] {
  const indexes: number[] = [];
  contents.forEach((content, index) => {
    if (isJsonObject(content) && readRole(content) === 'user' && hasNonEmptyText(content)) {
      indexes.push(index);
    }
  });
  return indexes;
}

function readRange(contents: readonly unknown[], from: number, to: number): Exchange[] {
  const exchanges: Exchange[] = [];
  for (let index = from; index < to; index++) {
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

function textOf(content: unknown): string | undefined {
  if (!isJsonObject(content)) return undefined;
  const text = partsOf(content)
    .map((part) =>
      typeof part['text'] === 'string' && part['thought'] !== true ? part['text'] : '',
    )
    .filter((part) => part !== '')
    .join('\n');
  return text === '' ? undefined : text;
}
