import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skillFailure, skillToolContext } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';
import { skills as skillsTools } from './skills.ts';

// A skills folder comes from someone else (a marketplace, a colleague's repository): every byte
// of it is hostile. These attacks go through the public functions only.

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-skills-attack-')));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function skillFolder(name: string, skillMd: string | Buffer): Promise<string> {
  await mkdir(join(base, name), { recursive: true });
  await writeFile(join(base, name, 'SKILL.md'), skillMd);
  return join(base, name);
}

async function readSkillFile(loaded: Awaited<ReturnType<typeof loadSkills>>, path: string) {
  const { tools } = skillsTools({ skills: loaded });
  const read = tools.find((tool) => tool.name === 'read_skill_file');
  if (read === undefined) throw new Error('no read_skill_file tool');
  return read.execute({ name: loaded[0]?.name ?? '', path }, skillToolContext);
}

describe('loadSkills attacked by a hostile skills folder', () => {
  it('a front-matter value of 250,000 spaces is read in linear time (it took minutes: a quadratic comment regex)', {
    // A hang guard, not a timing: the linear reader takes milliseconds even at load 30; the
    // quadratic `/\s+#.*$/` took about 4 s at 40,000 spaces and minutes at 250,000.
    timeout: 30_000,
  }, async () => {
    const spaces = ' '.repeat(250_000);
    await skillFolder('padded', `---\nname: padded\ndescription: a${spaces}b\n---\nBody.\n`);
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('invalid-field');
    expect(error.field).toBe('description');
    expect(error.message).toMatch(/limit is 1024/);
  });

  it('a plain value still loses only its comment (" # ...") after the linear reader', async () => {
    await skillFolder(
      'commented',
      '---\nname: commented # the name\ndescription: Says hi.   # why\nlicense: a#b\n---\nBody.\n',
    );
    const [skill] = await loadSkills(base);
    expect(skill?.name).toBe('commented');
    expect(skill?.description).toBe('Says hi.');
    // `#` without a space before it is part of the value (YAML 1.2 §6.6).
    expect(skill?.license).toBe('a#b');
  });

  it('a SKILL.md that is not UTF-8 past its first KB is refused, not loaded with U+FFFD in it', async () => {
    const head = Buffer.from(
      `---\nname: latin\ndescription: Latin-1 text.\n---\n${'x'.repeat(2000)}\n`,
    );
    // "café" in Latin-1: 0xE9 is no UTF-8 sequence.
    await skillFolder('latin', Buffer.concat([head, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]));
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('invalid-field');
    expect(error.file).toBe('latin/SKILL.md');
    expect(error.message).toMatch(/not UTF-8/);
  });

  it('a reference file that is not UTF-8 past its first KB reads as binary, never as mangled text', async () => {
    const folder = await skillFolder('docs', '---\nname: docs\ndescription: Docs.\n---\nBody.\n');
    await writeFile(
      join(folder, 'notes.txt'),
      Buffer.concat([Buffer.from('y'.repeat(3000)), Buffer.from([0xff, 0xfe, 0x41])]),
    );
    const loaded = await loadSkills(base);
    expect(loaded[0]?.files?.get('notes.txt')).toBeUndefined();
    const error = await skillFailure(() => readSkillFile(loaded, 'notes.txt'));
    expect(error.reason).toBe('invalid-path');
    expect(error.message).toMatch(/binary/);
  });

  it('a 2 GB (sparse) file in a skill is refused as too-large after reading maxFileBytes + 1 bytes', async () => {
    const folder = await skillFolder('big', '---\nname: big\ndescription: Big.\n---\nBody.\n');
    const handle = await open(join(folder, 'huge.bin'), 'w');
    await handle.truncate(2 * 1024 * 1024 * 1024);
    await handle.close();
    const before = process.memoryUsage().rss;
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('too-large');
    expect(error.file).toBe('big/huge.bin');
    // Bounded: nowhere near the file's 2 GB (the default cap is 256 KiB).
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('a symbolic link to a file outside the folder, deep inside a skill, stops the load', async () => {
    const folder = await skillFolder('linky', '---\nname: linky\ndescription: L.\n---\nBody.\n');
    await mkdir(join(folder, 'a', 'b'), { recursive: true });
    await symlink('/etc/passwd', join(folder, 'a', 'b', 'passwd.md'));
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('symlink');
    expect(error.file).toBe('linky/a/b/passwd.md');
  });

  it('read_skill_file with ../, an absolute path, a NUL or a backslash finds nothing outside the skill', async () => {
    const folder = await skillFolder('plain', '---\nname: plain\ndescription: P.\n---\nBody.\n');
    await writeFile(join(base, 'secret.txt'), 'outside');
    await writeFile(join(folder, 'inside.md'), 'inside');
    const loaded = await loadSkills(base);
    for (const path of [
      '../secret.txt',
      '/etc/passwd',
      'inside.md\0x',
      '..\\secret.txt',
      './../secret.txt',
    ]) {
      const error = await skillFailure(() => readSkillFile(loaded, path));
      expect(error.reason).toBe('invalid-path');
      expect(error.message).not.toContain(base);
    }
    expect(await readSkillFile(loaded, 'inside.md')).toMatchObject({ content: 'inside' });
  });

  it('a SKILL.md that is a FIFO is refused without blocking (nothing opens it)', {
    timeout: 30_000,
  }, async () => {
    await mkdir(join(base, 'piped'));
    execFileSync('mkfifo', [join(base, 'piped', 'SKILL.md')]);
    const error = await skillFailure(() => loadSkills(base));
    expect(error.file).toBe('piped/SKILL.md');
  });
});

describe('load_skill attacked by a hostile allowed-tools entry', () => {
  it('an entry of 250,000 "(" is answered in linear time (a quadratic "(...)" regex blocked the event loop for minutes)', {
    timeout: 30_000,
  }, async () => {
    await skillFolder(
      'parens',
      `---\nname: parens\ndescription: P.\nallowed-tools: read_file ${'('.repeat(250_000)} Bash(git:*)\n---\nBody.\n`,
    );
    const loaded = await loadSkills(base);
    const agentTools = ['read_file', 'Bash'].map((name) => ({ kind: 'function', name }));
    const { tools } = skillsTools({ skills: loaded, agentTools: agentTools as never });
    const load = tools.find((tool) => tool.name === 'load_skill');
    const result = (await load?.execute({ name: 'parens' } as never, skillToolContext)) as {
      allowedTools: string[];
      unavailableTools?: string[];
    };
    expect(result.allowedTools).toEqual(['read_file', 'Bash']);
    expect(result.unavailableTools).toEqual(['('.repeat(250_000)]);
  });
});
