import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every changeset must be one `changeset version` can read: a frontmatter of `"<package>": bump`
// lines naming packages of this workspace. A formatter once turned the frontmatter into a
// Markdown heading (`## "@gemloop/react": minor`), which the changesets parser refuses: that
// release would have failed, so the folder is kept out of biome and checked here.
const root = join(import.meta.dirname, '..');
const packages = new Set(
  readdirSync(join(root, 'packages')).map(
    (folder) =>
      (
        JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as {
          name: string;
        }
      ).name,
  ),
);
const changesets = readdirSync(join(root, '.changeset')).filter(
  (file) => file.endsWith('.md') && file !== 'README.md',
);

describe('changesets', () => {
  it.each(changesets)('%s has a frontmatter of workspace packages and bumps', (file) => {
    const text = readFileSync(join(root, '.changeset', file), 'utf8');
    const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
    expect(match, `${file}: no frontmatter between two --- lines`).not.toBeNull();
    const lines = (match?.[1] ?? '').split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const bump = /^"([^"]+)": (major|minor|patch)$/.exec(line.trim());
      expect(bump, `${file}: "${line}" is not "<package>": major|minor|patch`).not.toBeNull();
      expect(
        packages.has(bump?.[1] ?? ''),
        `${file}: ${bump?.[1]} is not a workspace package`,
      ).toBe(true);
    }
  });
});
