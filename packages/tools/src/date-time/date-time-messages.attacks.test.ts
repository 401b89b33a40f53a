import type { ToolExecuteContext } from '@gemloop/core';
import { hasUnprintable } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { createDateTimeTools } from './create-date-time-tools.ts';
import { DateTimeError } from './date-time-error.ts';

// leftovers73: the date-time tools' errors quoted the model's date, zone and layout with
// JSON.stringify, which leaves a bidi override, U+0085 and U+2028 as they are (a message shown
// turned around, or broken into lines), or between two `"` with nothing escaped at all.

const context: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

const tools = createDateTimeTools({ now: () => Date.parse('2024-03-30T23:30:00Z') });

async function message(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (DateTimeError.isInstance(error)) return error.message;
    throw error;
  }
  throw new Error('expected a DateTimeError');
}

describe('date-time tool errors quote the model text escaped (leftovers73)', () => {
  it('escapes a bidi override and a line separator in a date', async () => {
    const text = await message(() =>
      tools.convertTime.execute({ dateTime: '2024-13-01\u202e\u2028tomorrow' }, context),
    );
    expect(hasUnprintable(text)).toBe(false);
    expect(text).toContain('"2024-13-01\\u202e\\u2028tomorrow"');
  });

  it('escapes them in a time zone, a local zone word and an input layout', async () => {
    for (const toTimeZone of ['Europe/Par\u202eis', 'local\u0085']) {
      const text = await message(() =>
        tools.convertTime.execute({ dateTime: '2024-05-17T10:00', toTimeZone }, context),
      );
      expect(hasUnprintable(text)).toBe(false);
    }
    const layout = await message(() =>
      tools.convertTime.execute(
        { dateTime: '20240517', inputFormat: 'yyyyMd\u202e\u2029' },
        context,
      ),
    );
    expect(hasUnprintable(layout)).toBe(false);
    expect(layout).toContain('\\u202e\\u2029');
  });
});
