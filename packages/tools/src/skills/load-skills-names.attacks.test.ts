import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skillFailure } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';

// Attack (attack43b): a skill's file and folder names are its author's, and a name may hold any
// character but `/` and NUL: terminal escapes (clear the screen, an OSC 8 link), a line break
// that forges a log line, a bidi override. Each went raw into the SkillError an app prints when
// the load stops (a link, a file too large, a folder that is not the skill's name). They are now
// written as `\uXXXX`, which still finds the file on disk.

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = '\u001b[2J\u001b]8;;http:evil\u0007x\nforged \u202eline';

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-skills-names-')));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function skill(folder: string, name = folder): Promise<string> {
  await mkdir(join(base, folder, 'references'), { recursive: true });
  await writeFile(
    join(base, folder, 'SKILL.md'),
    `---\nname: ${name}\ndescription: d\n---\nBody.\n`,
  );
  return join(base, folder);
}

function expectPlain(message: string, file: string | undefined): void {
  expect(message).not.toMatch(CONTROL);
  expect(file ?? '').not.toMatch(CONTROL);
  expect(message).toContain('\\u001b[2J');
  expect(message).toContain('\\u000aforged \\u202eline');
}

describe('loadSkills naming a hostile file or folder', () => {
  it('a link with terminal escapes in its name is refused, its name written plainly', async () => {
    const folder = await skill('notes');
    await symlink('/etc/hostname', join(folder, 'references', `${HOSTILE}.md`));
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('symlink');
    expectPlain(error.message, error.file);
    expect(error.message).toContain('notes/references/');
  });

  it('a file too large with them is refused, its name written plainly', async () => {
    const folder = await skill('notes');
    await writeFile(join(folder, `${HOSTILE}.txt`), 'x'.repeat(2000));
    const error = await skillFailure(() => loadSkills(base, { maxFileBytes: 1000 }));
    expect(error.reason).toBe('too-large');
    expectPlain(error.message, error.file);
  });

  it('a skill folder with them, whose SKILL.md names another, is refused with both plain', async () => {
    await skill(`notes${HOSTILE}`, 'notes');
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('invalid-field');
    expectPlain(error.message, error.file);
  });

  it('a linked skill folder with them is refused, its name written plainly', async () => {
    await symlink('/tmp', join(base, HOSTILE));
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('symlink');
    expectPlain(error.message, error.file);
  });
});
