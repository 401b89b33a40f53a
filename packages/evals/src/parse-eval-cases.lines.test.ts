import { describe, expect, it } from 'vitest';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { parseEvalCases } from './parse-eval-cases.ts';

// leftovers34 (left by leftovers33): a dataset saved with CR line ends (old Mac editors) or with
// mixed ends (edited on two systems) was read as one line that is not JSON: the whole dataset
// failed at "line 1". Datasets are now read as run files are (`textLines`): CRLF, LF or a CR
// alone ends a line (JSON escapes a CR inside a string, RFC 8259 section 7), and errors name the
// line an editor shows.

const a = '{"id":"a","input":"first"}';
const b = '{"id":"b","input":"second"}';
const c = '{"id":"c","input":"third\\r\\nwith an escaped CRLF inside"}';

function errorOf(text: string): EvalDatasetError {
  try {
    parseEvalCases(text, 'ds.jsonl');
  } catch (error) {
    if (EvalDatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an EvalDatasetError');
}

describe('parseEvalCases line ends', () => {
  for (const [name, end] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`reads a dataset with ${name} line ends, a BOM and a comment`, () => {
      const text = `\ufeff// cases${end}${a}${end}${end}${b}${end}${c}${end}`;
      const cases = parseEvalCases(text, 'ds.jsonl');
      expect(cases.map(({ id }) => id)).toEqual(['a', 'b', 'c']);
      expect(cases[2]?.input).toBe('third\r\nwith an escaped CRLF inside');
    });
  }

  it('reads mixed line ends, naming the line an editor shows in an error', () => {
    expect(parseEvalCases(`${a}\r${b}\r\n${c}\n`).map(({ id }) => id)).toEqual(['a', 'b', 'c']);
    // Lines: 1 a (CR), 2 b (CRLF), 3 blank (LF), 4 not JSON.
    expect(errorOf(`${a}\r${b}\r\n\n{not json\r${c}`).line).toBe(4);
    // A CR alone then a duplicate id: line 3.
    expect(errorOf(`${a}\r${b}\r${a}`).line).toBe(3);
    expect(errorOf(`${a}\r${b}\r${a}`).message).toContain("'a' is used twice");
  });
});
