import { describe, expect, it } from 'vitest';
import { parseSkillMd } from './parse-skill-md.ts';
import { SkillError } from './skill-error.ts';

// The field rules of https://agentskills.io/specification ("Frontmatter"): name 1-64 lowercase
// letters, digits and single hyphens, equal to the folder's name; description 1-1024 characters;
// compatibility at most 500; metadata a map; allowed-tools a space-separated list.

const skillMd = (...frontMatter: string[]) =>
  ['---', ...frontMatter, '---', 'Do the thing.'].join('\n');
const parse = (text: string, folderName = 'pdf-tools') =>
  parseSkillMd({ text, file: `${folderName}/SKILL.md`, folderName });

function refusal(text: string, folderName = 'pdf-tools'): SkillError {
  try {
    parse(text, folderName);
  } catch (error) {
    if (error instanceof SkillError) return error;
    throw error;
  }
  throw new Error('expected a SkillError');
}

describe('parseSkillMd', () => {
  it('reads every field of the spec', () => {
    const skill = parse(
      skillMd(
        'name: pdf-tools',
        'description: Fills PDF forms. Use when the user sends a PDF.',
        'license: MIT',
        'compatibility: Needs python3',
        'metadata:',
        '  author: jane',
        'allowed-tools: read_file, web_fetch  calculator',
      ),
    );
    expect(skill).toEqual({
      name: 'pdf-tools',
      description: 'Fills PDF forms. Use when the user sends a PDF.',
      body: 'Do the thing.',
      license: 'MIT',
      compatibility: 'Needs python3',
      metadata: { author: 'jane' },
      allowedTools: ['read_file', 'web_fetch', 'calculator'],
    });
  });

  it('takes allowed-tools as a YAML list too, and leaves out the fields not given', () => {
    const skill = parse(
      skillMd('name: pdf-tools', 'description: x', 'allowed-tools:', '  - read_file', '  - ""'),
    );
    expect(skill).toEqual({
      name: 'pdf-tools',
      description: 'x',
      body: 'Do the thing.',
      allowedTools: ['read_file'],
    });
  });

  it.each([
    ['no name', ['description: x'], 'name', 'is required'],
    ['an empty name', ['name:', 'description: x'], 'name', 'is required'],
    ['an upper-case name', ['name: PDF-tools', 'description: x'], 'name', 'lowercase letters'],
    ['a leading hyphen', ['name: -pdf', 'description: x'], 'name', 'lowercase letters'],
    ['a doubled hyphen', ['name: pdf--tools', 'description: x'], 'name', 'single hyphens'],
    ['a name of 65 characters', [`name: ${'a'.repeat(65)}`, 'description: x'], 'name', '1-64'],
    [
      'a name that is a list',
      ['name:', '  - pdf-tools', 'description: x'],
      'name',
      'must be a single value',
    ],
    ['no description', ['name: pdf-tools'], 'description', 'is required'],
    [
      'a blank description',
      ['name: pdf-tools', 'description: "   "'],
      'description',
      'is required',
    ],
    [
      'a description of 1025 characters',
      ['name: pdf-tools', `description: ${'d'.repeat(1025)}`],
      'description',
      'is 1025 characters; the limit is 1024.',
    ],
    [
      'a compatibility of 501 characters',
      ['name: pdf-tools', 'description: x', `compatibility: ${'c'.repeat(501)}`],
      'compatibility',
      'the limit is 500',
    ],
    [
      'metadata as a string',
      ['name: pdf-tools', 'description: x', 'metadata: author jane'],
      'metadata',
      'must be a map',
    ],
    [
      'allowed-tools as a map',
      ['name: pdf-tools', 'description: x', 'allowed-tools:', '  read: yes'],
      'allowed-tools',
      'space-separated list',
    ],
  ])('refuses %s, naming the field', (_, lines, field, message) => {
    const error = refusal(skillMd(...lines));
    expect(error.reason).toBe('invalid-field');
    expect(error.field).toBe(field);
    expect(error.file).toBe('pdf-tools/SKILL.md');
    expect(error.message).toContain(message);
  });

  it('refuses a name that differs from its folder, naming both', () => {
    const error = refusal(skillMd('name: pdf-tools', 'description: x'), 'pdf');
    expect(error.message).toContain('is "pdf-tools" but the folder is "pdf"');
  });

  it('quotes at most 80 characters of a bad name', () => {
    const error = refusal(skillMd(`name: ${'N'.repeat(5000)}`, 'description: x'));
    expect(error.message.length).toBeLessThan(300);
  });

  it('takes the longest name and description the spec allows', () => {
    const name = `${'a'.repeat(63)}b`;
    const skill = parse(skillMd(`name: ${name}`, `description: ${'d'.repeat(1024)}`), name);
    expect(skill.name).toBe(name);
    expect(skill.description).toHaveLength(1024);
  });
});
