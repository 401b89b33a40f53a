import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skillFailure } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';

// Attack (attack-core9): a SKILL.md built to blow up a YAML reader (anchors and aliases, the
// "billion laughs"), one of 10 MB, and a description that quotes its own key. The front matter is a
// subset reader with no anchors, so each is refused by line, bounded, and nothing grows.

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-skills-bomb-')));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function skill(name: string, text: string): Promise<void> {
  await mkdir(join(base, name), { recursive: true });
  await writeFile(join(base, name, 'SKILL.md'), text);
}

describe('loadSkills attacked by YAML bombs', () => {
  it('refuses anchors and aliases (billion laughs) by line, never expanding them', async () => {
    const levels = Array.from(
      { length: 9 },
      (_, level) =>
        `l${level + 1}: &l${level + 1} [${Array.from({ length: 9 }, () => `*l${level}`).join(',')}]`,
    );
    await skill(
      'bomb',
      `---\nname: bomb\ndescription: &l0 "lol"\n${levels.join('\n')}\nmetadata:\n  x: *l9\n---\nBody.\n`,
    );
    const error = await skillFailure(() => loadSkills(base));
    expect(error.reason).toBe('front-matter');
    expect(error.message).toMatch(/line \d+/);
    expect(error.message.length).toBeLessThan(1000);
  });

  it('refuses a merge key and a flow map in metadata, not guessing them', async () => {
    await skill('merge', '---\nname: merge\ndescription: d\nmetadata:\n  <<: *base\n---\nBody.\n');
    expect((await skillFailure(() => loadSkills(base))).reason).toBe('front-matter');
  });

  it('refuses a 10 MB SKILL.md as too large after reading its bound, with a short message', async () => {
    await skill('huge', `---\nname: huge\ndescription: d\n---\n${'x'.repeat(10 * 1024 * 1024)}\n`);
    const error = await skillFailure(() => loadSkills(base));
    expect(error.message).toMatch(/larger than/);
    expect(error.message.length).toBeLessThan(1000);
  });
});
