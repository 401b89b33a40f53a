import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@gemloop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skillFailure } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';

// Attack (attack43b): loadSkills bounds each file (256 KiB), the files of a skill (200) and the
// skills (100), never their total: 100 × 200 × 256 KiB of text, 5 GB, was read and held. A skill
// pack of 65 MiB loaded whole. The text kept is now bounded together too (`maxTotalBytes`, 64 MiB).

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-skills-total-')));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const FILE = `${'Read this reference before each step. '.repeat(6_898)}\n`;

async function skill(name: string, files: number): Promise<void> {
  await mkdir(join(base, name, 'references'), { recursive: true });
  await writeFile(
    join(base, name, 'SKILL.md'),
    `---\nname: ${name}\ndescription: D.\n---\nBody.\n`,
  );
  for (let index = 0; index < files; index++) {
    await writeFile(join(base, name, 'references', `part-${index}.md`), FILE);
  }
}

describe('loadSkills reading many large skills', { timeout: 60_000 }, () => {
  it('refuses 65 MiB of text across two skills at the default, naming the option', async () => {
    expect(FILE.length).toBeLessThan(256 * 1024);
    await skill('alpha', 130);
    await skill('beta', 130);
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('maxTotalBytes');
    expect(error.file).toMatch(/^beta\/references\/part-\d+\.md$/);
  });

  it('loads them with the bound raised, and below it by default', async () => {
    await skill('alpha', 130);
    await skill('beta', 130);
    expect(await loadSkills(base, { maxTotalBytes: 128 * 1024 * 1024 })).toHaveLength(2);
    await rm(join(base, 'beta'), { recursive: true });
    expect(await loadSkills(base)).toHaveLength(1);
  });

  it('checks the option', async () => {
    await skill('alpha', 1);
    const error = await loadSkills(base, { maxTotalBytes: Number.NaN }).catch((thrown) => thrown);
    expect(InvalidArgumentError.isInstance(error) && error.argument).toBe('maxTotalBytes');
  });
});
