import { describe, expect, it } from 'vitest';
import { readFrontMatter } from './read-front-matter.ts';
import { SkillError } from './skill-error.ts';

// The YAML subset of a SKILL.md's front matter (agentskills.io/specification, "Frontmatter"):
// plain and quoted scalars, `>` and `|` blocks, one level of map, a `-` list. What YAML 1.2 says
// of each form is cited where the parser follows it; anything outside the subset is refused with
// its line, never guessed.

const read = (...lines: string[]) => readFrontMatter(lines.join('\n'), 'demo/SKILL.md');

function refusal(text: string): SkillError {
  try {
    readFrontMatter(text, 'demo/SKILL.md');
  } catch (error) {
    if (error instanceof SkillError) return error;
    throw error;
  }
  throw new Error('expected a SkillError');
}

describe('readFrontMatter', () => {
  it('reads the fields between the two --- lines and the body after them, trimmed', () => {
    const { fields, body } = read(
      '---',
      'name: demo',
      '# a comment line',
      '',
      'description: Does a thing # and this is a comment',
      'license: Apache-2.0',
      'empty:',
      '---',
      '',
      '# Demo',
      'Body text.',
      '',
    );
    expect(Object.fromEntries(fields)).toEqual({
      name: 'demo',
      description: 'Does a thing',
      license: 'Apache-2.0',
      empty: '',
    });
    expect(body).toBe('# Demo\nBody text.');
  });

  it('takes a byte-order mark and Windows line ends', () => {
    const { fields, body } = readFrontMatter(
      '\uFEFF---\r\nname: demo\r\ndescription: x\r\n---\r\nBody\r\n',
      'demo/SKILL.md',
    );
    expect(fields.get('name')).toBe('demo');
    expect(body).toBe('Body');
  });

  it('keeps a # inside a plain value that no space precedes (YAML: a comment starts at " #")', () => {
    expect(
      read('---', 'description: use C#, F# or issue#12', '---').fields.get('description'),
    ).toBe('use C#, F# or issue#12');
  });

  it('reads quoted values: JSON escapes in double quotes, doubled quotes in single ones', () => {
    const { fields } = read(
      '---',
      'a: "tab\\there \\u00e9 # not a comment"',
      "b: 'it''s # kept'",
      'c: ""',
      '---',
    );
    expect(fields.get('a')).toBe('tab\there é # not a comment');
    expect(fields.get('b')).toBe("it's # kept");
    expect(fields.get('c')).toBe('');
  });

  it('folds a > block into one line, keeping a blank line as a break; keeps | lines as they are', () => {
    const { fields } = read(
      '---',
      'folded: >',
      '  one',
      '  two',
      '',
      '  three',
      'literal: |-',
      '  first line',
      '  second line',
      '---',
    );
    // YAML 1.2 §8.1.3 (folding): lines join with a space; an empty line is a line break.
    expect(fields.get('folded')).toBe('one two\nthree');
    expect(fields.get('literal')).toBe('first line\nsecond line');
  });

  it('reads an indented "- item" list and a one-level "key: value" map', () => {
    const { fields } = read(
      '---',
      'allowed-tools:',
      '  - read_file',
      "  - 'web_fetch'",
      'metadata:',
      '  author: Jane Doe',
      '  # a comment in the map',
      '  version: "1.0"',
      '---',
    );
    expect(fields.get('allowed-tools')).toEqual(['read_file', 'web_fetch']);
    expect(fields.get('metadata')).toEqual({ author: 'Jane Doe', version: '1.0' });
  });

  it.each([
    ['no opening --- line', 'name: demo\n---\n', 'must start with a "---" line'],
    ['no closing --- line', '---\nname: demo\n', 'no closing "---" line'],
    ['a key given twice', '---\nname: a\nname: b\n---\n', 'line 3: "name" is given twice.'],
    ['an indented first key', '---\n  name: a\n---\n', 'line 2: expected "key: value"'],
    ['a line that is no key', '---\nname a\n---\n', 'line 2: expected "key: value"'],
    [
      'a value followed by indented lines',
      '---\ndescription: short\n  and more\n---\n',
      'line 2: "description" has a value and indented lines after it.',
    ],
    ['an unclosed double quote', '---\nname: "demo\n---\n', 'no closing quote'],
    ['an unclosed single quote', "---\nname: 'demo\n---\n", 'no closing quote'],
    ['an escape JSON does not know', '---\nname: "a\\qb"\n---\n', 'an escape JSON does not know'],
    ['a flow list', '---\ntools: [a, b]\n---\n', 'flow collections, anchors and tags'],
    ['a flow map', '---\nmeta: {a: b}\n---\n', 'flow collections, anchors and tags'],
    ['an anchor', '---\nname: &x demo\n---\n', 'flow collections, anchors and tags'],
    ['an alias', '---\nname: *x\n---\n', 'flow collections, anchors and tags'],
    ['a tag', '---\nname: !!str demo\n---\n', 'flow collections, anchors and tags'],
    [
      'a map line that is no "key: value"',
      '---\nmetadata:\n  author Jane\n---\n',
      '"metadata" must hold "key: value" lines',
    ],
  ])('refuses %s, naming the file and the line', (_, text, message) => {
    const error = refusal(text);
    expect(error.reason).toBe('front-matter');
    expect(error.file).toBe('demo/SKILL.md');
    expect(error.message).toContain('demo/SKILL.md');
    expect(error.message).toContain(message);
  });

  it('quotes at most 80 characters of a line it refuses', () => {
    const error = refusal(`---\n${'x'.repeat(10_000)}\n---\n`);
    expect(error.message.length).toBeLessThan(200);
  });

  it('keeps a metadata key named __proto__ as data, not as the map’s prototype', () => {
    const { fields } = read('---', 'metadata:', '  __proto__: kept', '  constructor: x', '---');
    const metadata = fields.get('metadata') as Record<string, string>;
    expect(Object.keys(metadata)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(metadata, '__proto__')?.value).toBe('kept');
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });
});
