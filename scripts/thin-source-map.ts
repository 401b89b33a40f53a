/** A source map as esbuild writes it (version 3, https://tc39.es/ecma426/). */
export type RawSourceMap = {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: (string | null)[];
  sourceRoot?: string;
};

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT: Record<string, number> = Object.fromEntries(
  [...BASE64].map((char, index) => [char, index]),
);

/**
 * A source map cut down to what a stack trace needs: for each line of the generated file, one
 * mapping per original line of a kept source that starts there, and an unmapped segment where
 * code of a source that is not kept starts (Node then prints that frame's generated position).
 * Columns inside an original line are dropped: a frame still names the file and the line. A
 * segment that says what the one before it said, on the same generated line or a later one, is
 * dropped too: a position maps to the last segment at or before it, so the frames are the same.
 *
 * Why: Node parses a file's whole map the first time it formats a stack trace in the process
 * with `--enable-source-maps`, and DBOS formats one at each workflow registration. For the
 * fixture worker's bundle (4.6 MB, 460k mappings), that parse was ~0.35 s of the worker's CPU to
 * its `ready` (0.55 s without a map), measured at load 33-47 (bench/RESULTS.md, issue 53,
 * helper test-speed-dbos). Dropping the repeats across lines (the dependencies' code, line after
 * line) took the CommonJS worker bundle's thin map from 121k segments to 38k and Node's parse of
 * it (`new SourceMap`, the first stack trace DBOS formats at its first registration) from
 * 116-123 ms to 28-41 ms of CPU, every frame's file and line the same at 1.75M positions (bench/
 * RESULTS.md, issue 53, helper test-speed-cache).
 *
 * @param map The map to cut.
 * @param keep Whether frames in a source stay mapped (our files); the others print unmapped.
 */
export function thinSourceMap(map: RawSourceMap, keep: (source: string) => boolean): RawSourceMap {
  const kept = map.sources.map((source) => keep(source));
  const newIndex = new Map<number, number>();
  const sources: string[] = [];
  const lines: string[] = [];
  // Absolute values carried across the whole mappings string, as the format's deltas are (a
  // segment's fifth field, a name, is dropped: Node prints the generated function's name).
  let source = 0;
  let line = 0;
  let column = 0;
  let outSource = 0;
  let outLine = 0;
  let outColumn = 0;
  // What the last segment kept says, across lines: a position maps to the last segment at or
  // before it, so a segment that says it again (the dependency's code on line after line, one
  // original line over several generated ones) changes no frame.
  let last: string | undefined;
  for (const generatedLine of map.mappings.split(';')) {
    const out: string[] = [];
    let generatedColumn = 0;
    let outGenerated = 0;
    for (const segment of generatedLine === '' ? [] : generatedLine.split(',')) {
      const fields = decode(segment);
      generatedColumn += fields[0] as number;
      if (fields.length === 1) continue;
      source += fields[1] as number;
      line += fields[2] as number;
      column += fields[3] as number;
      if (kept[source] !== true) {
        if (last === 'unmapped') continue;
        out.push(encode([generatedColumn - outGenerated]));
        outGenerated = generatedColumn;
        last = 'unmapped';
        continue;
      }
      const here = `${source}:${line}`;
      if (here === last) continue;
      let index = newIndex.get(source);
      if (index === undefined) {
        index = sources.push(map.sources[source] as string) - 1;
        newIndex.set(source, index);
      }
      out.push(
        encode([
          generatedColumn - outGenerated,
          index - outSource,
          line - outLine,
          column - outColumn,
        ]),
      );
      outGenerated = generatedColumn;
      outSource = index;
      outLine = line;
      outColumn = column;
      last = here;
    }
    lines.push(out.join(','));
  }
  return { version: 3, sources, names: [], mappings: lines.join(';') };
}

/** A segment's Base64 VLQ fields. */
function decode(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT[char];
    if (digit === undefined) throw new Error(`not a source map segment: ${segment}`);
    value += (digit & 31) * 2 ** shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    fields.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return fields;
}

/** Fields as one Base64 VLQ segment. */
function encode(fields: readonly number[]): string {
  let text = '';
  for (const field of fields) {
    let value = field < 0 ? -field * 2 + 1 : field * 2;
    do {
      let digit = value & 31;
      value = Math.floor(value / 32);
      if (value > 0) digit |= 32;
      text += BASE64[digit];
    } while (value > 0);
  }
  return text;
}
