import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import {
  assertValidToolName,
  isValidToolName,
  suggestToolName,
  TOOL_NAME_PATTERN,
} from './check-tool-name.ts';

describe('isValidToolName', () => {
  it.each(['get_weather', 'a.b:c-d', '_x', 'A', 'x'.repeat(128), 'default_api:exec_command'])(
    'accepts %j',
    (name) => {
      expect(isValidToolName(name)).toBe(true);
    },
  );

  it.each([
    '1abc',
    'has space',
    'x'.repeat(129),
    '',
    'ümlaut',
    '-dash',
    '.dot',
    'tab\t',
    'emoji🙂',
    42,
    null,
  ])('rejects %j', (name) => {
    expect(isValidToolName(name)).toBe(false);
  });

  it('uses the rule Gemini documents', () => {
    expect(TOOL_NAME_PATTERN.source).toBe('^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$');
  });
});

describe('suggestToolName', () => {
  it.each([
    ['1abc', '_1abc'],
    ['has space', 'has_space'],
    ['ümlaut', 'umlaut'],
    ['Crème brûlée!', 'Creme_brulee_'],
    ['', 'tool'],
    ['-x', '_-x'],
    ['x'.repeat(200), 'x'.repeat(128)],
    ['日本語', '_'],
  ])('turns %j into a valid name %j', (name, suggestion) => {
    expect(suggestToolName(name)).toBe(suggestion);
    expect(isValidToolName(suggestToolName(name))).toBe(true);
  });
});

describe('assertValidToolName', () => {
  it('names the argument and the wrong type', () => {
    try {
      assertValidToolName(7, 'tools[2].name');
      expect.unreachable();
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('tools[2].name');
      expect((error as Error).message).toMatch(
        /^Tool name must be a string, got number\. Gemini requires/,
      );
    }
  });

  it('lets valid names through', () => {
    expect(() => assertValidToolName('get_weather')).not.toThrow();
  });
});
