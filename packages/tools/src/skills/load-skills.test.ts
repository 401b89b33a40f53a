import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SKILL_FIXTURES, skillFailure } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-skills-')));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function skill(name: string, frontMatter: string, body = 'Do the thing.'): Promise<string> {
  await mkdir(join(base, name), { recursive: true });
  await writeFile(join(base, name, 'SKILL.md'), `---\n${frontMatter}\n---\n${body}\n`);
  return join(base, name);
}

describe('loadSkills', () => {
  it('reads each folder with a SKILL.md: front matter, body and files; skips the rest', async () => {
    const skills = await loadSkills(SKILL_FIXTURES);
    expect(skills.map((one) => one.name)).toEqual(['release-notes', 'unit-convert']);
    const [notes, convert] = skills;
    expect(notes?.description).toBe(
      'Writes release notes from a list of changes. Use when the user asks for release notes or a changelog entry.',
    );
    expect(notes?.allowedTools).toEqual(['read_file', 'run_shell', 'Bash(git:*)']);
    expect(notes?.body.startsWith('# Release notes')).toBe(true);
    expect(notes?.body).not.toContain('name: release-notes');
    expect([...(notes?.files?.keys() ?? [])]).toEqual([
      'references/style.md',
      'scripts/count-changes.mjs',
    ]);
    expect(notes?.files?.get('references/style.md')).toContain('past tense');
    // A folded description joins its lines; metadata is a map of strings.
    expect(convert?.description).toBe(
      'Converts between metric and imperial units (length, mass, temperature). Use when a question mixes units.',
    );
    expect(convert?.license).toBe('MIT (see LICENSE)');
    expect(convert?.metadata).toEqual({ author: 'gemloop', version: '1.0' });
    expect(convert?.files?.get('LICENSE')).toContain('MIT License');
  });

  it.each([
    [
      'name: Bad_Name\ndescription: x',
      'bad_name',
      'name',
      /lowercase letters, digits and single hyphens/,
    ],
    ['name: a--b\ndescription: x', 'a--b', 'name', /single hyphens/],
    ['name: -a\ndescription: x', '-a', 'name', /single hyphens/],
    [`name: ${'a'.repeat(65)}\ndescription: x`, 'a'.repeat(65), 'name', /1-64/],
    ['name: other\ndescription: x', 'mine', 'name', /is "other" but the folder is "mine"/],
    ['description: x', 'mine', 'name', /is required/],
    ['name: mine', 'mine', 'description', /is required/],
    [
      `name: mine\ndescription: ${'d'.repeat(1025)}`,
      'mine',
      'description',
      /1025 characters; the limit is 1024/,
    ],
    [
      `name: mine\ndescription: x\ncompatibility: ${'c'.repeat(501)}`,
      'mine',
      'compatibility',
      /limit is 500/,
    ],
    ['name: mine\ndescription: x\nmetadata: flat', 'mine', 'metadata', /map/],
    ['name: mine\ndescription:\n  - a\n  - b', 'mine', 'description', /single value/],
  ])(
    'refuses bad front matter %#, naming the file and the field',
    async (front, folder, field, message) => {
      await skill(folder, front);
      const error = await skillFailure(() => loadSkills(base));
      expect(error.reason).toBe('invalid-field');
      expect(error.file).toBe(`${folder}/SKILL.md`);
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
      expect(error.message).toContain(`${folder}/SKILL.md`);
    },
  );

  it('refuses front matter it cannot read, with the line', async () => {
    await mkdir(join(base, 'mine'));
    await writeFile(join(base, 'mine', 'SKILL.md'), 'no front matter');
    expect((await skillFailure(() => loadSkills(base))).reason).toBe('front-matter');
    await writeFile(join(base, 'mine', 'SKILL.md'), '---\nname: mine\n');
    expect((await skillFailure(() => loadSkills(base))).message).toMatch(/no closing "---"/);
    await writeFile(join(base, 'mine', 'SKILL.md'), '---\nname: mine\ndescription: [a, b]\n---\n');
    const error = await skillFailure(() => loadSkills(base));
    expect(error.message).toBe(
      'mine/SKILL.md line 3: flow collections, anchors and tags are not supported ([a, b]).',
    );
  });

  it('refuses a link to /etc, a linked SKILL.md and a linked skill folder, never reading through them', async () => {
    const folder = await skill('mine', 'name: mine\ndescription: x');
    await symlink('/etc', join(folder, 'etc'));
    let error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('symlink');
    expect(error.file).toBe('mine/etc');
    await rm(join(folder, 'etc'));
    await symlink('/etc/hostname', join(folder, 'host.txt'));
    expect((await skillFailure(() => loadSkills(base))).file).toBe('mine/host.txt');
    await rm(join(folder, 'host.txt'));

    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'SKILL.md'), '---\nname: linked\ndescription: x\n---\n');
    const root = join(base, 'root');
    await mkdir(join(root, 'mine'), { recursive: true });
    await symlink(join(base, 'outside'), join(root, 'linked'));
    error = await skillFailure(() => loadSkills(root));
    expect([error.reason, error.file]).toEqual(['symlink', 'linked']);
    await rm(join(root, 'linked'));
    await symlink(join(base, 'outside', 'SKILL.md'), join(root, 'mine', 'SKILL.md'));
    error = await skillFailure(() => loadSkills(root));
    expect([error.reason, error.file]).toEqual(['symlink', 'mine/SKILL.md']);
  });

  it('refuses a huge file, too many files, too deep folders and too many skills', async () => {
    const folder = await skill('mine', 'name: mine\ndescription: x');
    await writeFile(join(folder, 'huge.txt'), Buffer.alloc(2000, 'a'));
    let error = await skillFailure(() => loadSkills(base, { maxFileBytes: 1000 }));
    expect([error.reason, error.file]).toEqual(['too-large', 'mine/huge.txt']);
    expect(error.message).toMatch(/larger than 1000 bytes; raise maxFileBytes/);
    expect(await loadSkills(base, { maxFileBytes: 2000 })).toHaveLength(1);

    error = await skillFailure(() => loadSkills(base, { maxFilesPerSkill: 1 }));
    expect(error.reason).toBe('too-many');
    await mkdir(join(folder, 'a', 'b'), { recursive: true });
    await writeFile(join(folder, 'a', 'b', 'deep.md'), 'deep');
    error = await skillFailure(() => loadSkills(base, { maxDepth: 1 }));
    expect([error.reason, error.file]).toEqual(['too-many', 'mine/a/b']);
    await skill('two', 'name: two\ndescription: x');
    error = await skillFailure(() => loadSkills(base, { maxSkills: 1 }));
    expect([error.reason, error.file]).toEqual(['too-many', 'two']);
  });

  it('lists a binary file without its content', async () => {
    const folder = await skill('mine', 'name: mine\ndescription: x');
    await writeFile(join(folder, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]));
    const [loaded] = await loadSkills(base);
    expect(loaded?.files?.has('logo.png')).toBe(true);
    expect(loaded?.files?.get('logo.png')).toBeUndefined();
  });

  it('refuses a missing skills folder', async () => {
    const error = await skillFailure(() => loadSkills(join(base, 'nope')));
    expect(error.reason).toBe('invalid-folder');
  });
});
