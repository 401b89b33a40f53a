import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skillFailure, skillToolContext } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';
import { skills } from './skills.ts';

// Attack (attack43b): a SKILL.md is checked as UTF-8 whole, but a double-quoted front-matter value
// is read with JSON's escapes, and `"\uD83D"` is half of an emoji: a lone surrogate, which has no
// UTF-8 form. In a description it went into the agent's instructions, sent with every request,
// and Gemini's JSON reader refuses a lone surrogate (see safe-tool-error-message.ts): every run
// failed with a 400 naming no skill. In `allowed-tools` it reached the model through load_skill.
// Now loadSkills refuses it, naming the file, the line and the fix.

/** No lone surrogate: in a `u` regular expression a pair is one code point, a lone half is `Cs`. */
const wellFormed = (text: string) => !/\p{Cs}/u.test(text);

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-skills-surrogate-')));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function skill(name: string, frontMatter: string): Promise<void> {
  await mkdir(join(base, name), { recursive: true });
  await writeFile(join(base, name, 'SKILL.md'), `---\nname: ${name}\n${frontMatter}\n---\nBody.\n`);
}

describe('loadSkills with a lone surrogate written as a JSON escape', () => {
  it.each([
    ['a description', 'description: "Fixes \\ud83d bugs"', 3],
    ['a lone low half', 'description: "Fixes \\udc00 bugs"', 3],
    ['an allowed-tools entry', 'description: d\nallowed-tools:\n  - "read\\ud800"', 4],
    ['a metadata value', 'description: d\nmetadata:\n  author: "a\\udbff"', 4],
  ])(
    'refuses one in %s, naming the file, the line and the fix',
    async (_label, frontMatter, line) => {
      await skill('half', frontMatter);
      const error = await skillFailure(() => loadSkills(base));
      expect(error.reason).toBe('front-matter');
      expect(error.file).toBe('half/SKILL.md');
      expect(error.message).toContain(`line ${line}`);
      expect(error.message).toMatch(/lone surrogate/);
      expect(error.message).toMatch(/pair|character itself/);
      expect(wellFormed(error.message)).toBe(true);
    },
  );

  it('keeps a full pair written as escapes, and the emoji itself', async () => {
    await skill('pair', 'description: "Fixes \\ud83d\\udc1b bugs 🐛"');
    const [loaded] = await loadSkills(base);
    expect(loaded?.description).toBe('Fixes 🐛 bugs 🐛');
    const kit = skills({ skills: await loadSkills(base) });
    expect(wellFormed(kit.instructions)).toBe(true);
    const result = await kit.tools[0].execute({ name: 'pair' }, skillToolContext);
    expect(result.instructions).toBe('Body.');
  });
});
