import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.ts';

// attack67b: pino writes JSON, whose escapes cover C0 only (ESC, CR, BEL), so a gateway's tool name
// in the warning about a call without its thought signature (`sign-model-turn.ts`) reached the
// terminal (createLogger writes to stdout by default) with its C1 CSI (U+009B, which a terminal
// that decodes UTF-8 takes as ESC [: `\u009b2J` clears the screen) and its bidi override raw.

/** C1 CSI clearing the screen and colouring, a bidi override and isolate, DEL, line separators. */
const HOSTILE = 'get\u009b2J\u009b31mEVIL\u202egnp.exe\u2066\u007f\u2028\u2029\u061c\u200f';

function linesOf(log: (logger: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  log(createLogger({ level: 'debug', destination: { write: (line) => void lines.push(line) } }));
  return lines;
}

describe('createLogger writes no character that drives a terminal', () => {
  it('escapes C1 controls, bidi controls and line separators in fields and messages', () => {
    const [line] = linesOf((logger) =>
      logger.child({ component: HOSTILE }).warn({ toolName: HOSTILE }, `saw ${HOSTILE}`),
    );
    expect(line).not.toMatch(
      /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/,
    );
    expect(line?.endsWith('}\n')).toBe(true);
  });

  it('keeps the line JSON of the same values (the escapes are JSON escapes)', () => {
    const [line] = linesOf((logger) =>
      logger.error({ toolName: HOSTILE, nested: { a: [HOSTILE] } }, HOSTILE),
    );
    const parsed = JSON.parse(line as string) as Record<string, unknown>;
    expect(parsed['toolName']).toBe(HOSTILE);
    expect(parsed['nested']).toEqual({ a: [HOSTILE] });
    expect(parsed['msg']).toBe(HOSTILE);
  });

  it('leaves printable text, emoji and backslashes as they were', () => {
    const [line] = linesOf((logger) => logger.info({ path: 'C:\\temp\\é😀' }, 'plain'));
    expect(JSON.parse(line as string)).toMatchObject({ path: 'C:\\temp\\é😀', msg: 'plain' });
    expect(line).toContain('é😀');
  });
});
