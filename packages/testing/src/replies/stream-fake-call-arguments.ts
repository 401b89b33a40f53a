import type { FunctionCall, GenerateContentResponse, Part } from '@gemloop/core/wire';

type Leaf = { path: string; value: string | number | boolean | null };

/**
 * Rewrites a stream's function-call chunks the way Vertex streams them with
 * `functionCallingConfig.streamFunctionCallArguments` (fixture
 * `streams/vertex-gemini31-pro__streamFunctionCallArguments-partialArgs.vercel.jsonl`): a chunk with
 * `{name, willContinue: true}` (and the signature and id), one chunk per argument leaf with a
 * `partialArgs` fragment (strings in two pieces, the first `willContinue: true`), then a `{}`
 * terminator. Other parts and chunks are kept as they are.
 * @internal
 */
export function streamFakeCallArguments(
  chunks: readonly GenerateContentResponse[],
): GenerateContentResponse[] {
  const result: GenerateContentResponse[] = [];
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    const parts = candidate?.content?.parts;
    if (
      candidate === undefined ||
      parts === undefined ||
      !parts.some((part) => part.functionCall)
    ) {
      result.push(chunk);
      continue;
    }
    const withParts = (partsOfChunk: Part[], last: boolean): GenerateContentResponse => {
      const { finishReason, finishMessage, ...rest } = candidate;
      const copy = {
        ...chunk,
        candidates: [
          {
            ...rest,
            ...(last && finishReason !== undefined ? { finishReason } : {}),
            ...(last && finishMessage !== undefined ? { finishMessage } : {}),
            content: { ...candidate.content, parts: partsOfChunk },
          },
        ],
      };
      return copy;
    };
    const pieces: Part[][] = [];
    let others: Part[] = [];
    for (const part of parts) {
      const call = part.functionCall;
      if (call === undefined) {
        others.push(part);
        continue;
      }
      if (others.length > 0) pieces.push(others);
      others = [];
      pieces.push(...callPieces(part, call));
    }
    if (others.length > 0) pieces.push(others);
    pieces.forEach((piece, index) => {
      result.push(withParts(piece, index === pieces.length - 1));
    });
  }
  return result;
}

function callPieces(part: Part, call: FunctionCall): Part[][] {
  const { functionCall: _call, ...partFields } = part;
  const head: Record<string, unknown> = { name: call.name, willContinue: true };
  if (call.id !== undefined) head['id'] = call.id;
  const pieces: Part[][] = [[{ ...partFields, functionCall: head as FunctionCall }]];
  for (const leaf of leavesOf(call.args ?? {}, '$')) {
    if (typeof leaf.value === 'string' && leaf.value.length > 1) {
      // Never between the halves of an emoji: Vertex streams UTF-8, which has no half character.
      let middle = Math.ceil(leaf.value.length / 2);
      if (/[\ud800-\udbff]/.test(leaf.value[middle - 1] as string)) middle++;
      pieces.push([fragment(leaf.path, leaf.value.slice(0, middle), true)]);
      pieces.push([fragment(leaf.path, leaf.value.slice(middle), false)]);
    } else {
      pieces.push([fragment(leaf.path, leaf.value, false)]);
    }
  }
  pieces.push([{ functionCall: {} as FunctionCall }]);
  return pieces;
}

function fragment(path: string, value: Leaf['value'], willContinue: boolean): Part {
  const partial: Record<string, unknown> = { jsonPath: path };
  if (typeof value === 'string') partial['stringValue'] = value;
  else if (typeof value === 'number') partial['numberValue'] = value;
  else if (typeof value === 'boolean') partial['boolValue'] = value;
  else partial['nullValue'] = 'NULL_VALUE';
  if (willContinue) partial['willContinue'] = true;
  return {
    functionCall: { partialArgs: [partial], willContinue: true } as unknown as FunctionCall,
  };
}

function leavesOf(value: unknown, path: string): Leaf[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => leavesOf(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      leavesOf(
        item,
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${quoteKey(key)}]`,
      ),
    );
  }
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null
  ) {
    return [{ path, value }];
  }
  return [];
}

/** `'key'` for a bracketed JSONPath segment, its quotes and backslashes escaped (`$['it\\'s']`). */
function quoteKey(key: string): string {
  return `'${key.replace(/[\\']/g, (character) => `\\${character}`)}'`;
}
