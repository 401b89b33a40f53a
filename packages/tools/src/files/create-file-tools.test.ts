import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTools } from './create-file-tools.ts';
import { FileToolError } from './file-tool-error.ts';

function context(signal: AbortSignal = new AbortController().signal): ToolExecuteContext {
  return { signal, toolCallId: 'call-1', step: 1, logger: silentLogger, contents: [] };
}

async function failure(run: () => unknown): Promise<FileToolError> {
  try {
    await run();
  } catch (error) {
    if (FileToolError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a FileToolError');
}

let base: string;
let root: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-files-')));
  root = join(base, 'root');
  await mkdir(join(root, 'docs', 'guides'), { recursive: true });
  await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true });
  await mkdir(join(base, 'outside'));
  await writeFile(join(root, 'README.md'), '# Project\nTODO: write docs\n');
  await writeFile(join(root, 'docs', 'intro.md'), 'Intro\nSee the todo list.\n');
  await writeFile(join(root, 'docs', 'guides', 'setup.md'), 'Install\nTODO later\n');
  await writeFile(join(root, 'node_modules', 'pkg', 'index.js'), '// TODO in a dependency\n');
  await writeFile(join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a]));
  await writeFile(join(base, 'outside', 'secret.txt'), 'TODO secret');
  await symlink(join(base, 'outside', 'secret.txt'), join(root, 'secret-link'));
  await symlink(join(base, 'outside'), join(root, 'outside-dir'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('createFileTools', () => {
  it('offers read-only tools unless writing is enabled', () => {
    const readOnly = createFileTools({ root });
    expect(readOnly.writeFile).toBeUndefined();
    expect(readOnly.tools.map((tool) => tool.name)).toEqual([
      'list_files',
      'read_file',
      'find_files',
      'search_text',
    ]);
    const writable = createFileTools({ root, allowWrite: true, namePrefix: 'ws_' });
    expect(writable.tools.map((tool) => tool.name)).toContain('ws_write_file');
  });

  it('refuses a root that is missing or a file, and bad limits', async () => {
    expect(() => createFileTools({ root: join(base, 'nope') })).toThrow(InvalidArgumentError);
    expect(() => createFileTools({ root: join(root, 'README.md') })).toThrow(
      /is a file, not a folder/,
    );
    expect(() => createFileTools({ root, maxReadBytes: 0 })).toThrow(
      'createFileTools: maxReadBytes must be a whole number from 1 to 100000000, got 0.',
    );
  });

  describe('list_files', () => {
    const list = () => createFileTools({ root }).listFiles;

    it('lists a folder with types and sizes, links shown but not followed', async () => {
      const result = await list().execute({}, context());
      expect(result).toEqual({
        path: '.',
        entries: [
          { path: 'README.md', type: 'file', size: 27 },
          { path: 'docs', type: 'directory' },
          { path: 'image.png', type: 'file', size: 7 },
          { path: 'node_modules', type: 'directory' },
          { path: 'outside-dir', type: 'symlink' },
          { path: 'secret-link', type: 'symlink' },
        ],
      });
    });

    it('goes deeper on request but not into skipped folders', async () => {
      const result = await list().execute({ path: '.', depth: 3 }, context());
      const paths = result.entries.map((entry) => entry.path);
      expect(paths).toContain('docs/guides/setup.md');
      expect(paths).toContain('node_modules');
      expect(paths).not.toContain('node_modules/pkg');
      expect(paths.some((path) => path.startsWith('outside-dir/'))).toBe(false);
    });

    it('stops at the entry limit and says so', async () => {
      const small = createFileTools({ root, maxEntries: 2 });
      const result = await small.listFiles.execute({ depth: 3 }, context());
      expect(result.entries).toHaveLength(2);
      expect(result.note).toBe(
        'Stopped at 2 entries; list a subfolder or use a smaller depth to see the rest.',
      );
    });

    it('accepts a folder path that ends with a slash', async () => {
      const result = await list().execute({ path: 'docs/' }, context());
      expect(result.path).toBe('docs');
      expect(result.entries.map((entry) => entry.path)).toEqual(['docs/guides', 'docs/intro.md']);
      const { findFiles, searchText } = createFileTools({ root });
      expect(
        (await findFiles.execute({ pattern: '*.md', path: 'docs/' }, context())).matches,
      ).toHaveLength(2);
      expect(
        (await searchText.execute({ query: 'todo', path: 'docs/guides/' }, context())).matches,
      ).toHaveLength(1);
    });

    it('refuses folders outside the root and explains files and missing paths', async () => {
      expect((await failure(() => list().execute({ path: '..' }, context()))).reason).toBe(
        'outside-root',
      );
      expect((await failure(() => list().execute({ path: 'outside-dir' }, context()))).reason).toBe(
        'outside-root',
      );
      expect((await failure(() => list().execute({ path: 'README.md' }, context()))).message).toBe(
        '"README.md" is a file, not a folder. Use read_file to read it.',
      );
      expect((await failure(() => list().execute({ path: 'nope' }, context()))).reason).toBe(
        'not-found',
      );
    });
  });

  describe('read_file', () => {
    const read = (maxReadBytes?: number) => createFileTools({ root, maxReadBytes }).readFile;

    it('reads a text file', async () => {
      expect(await read().execute({ path: 'docs/intro.md' }, context())).toEqual({
        path: 'docs/intro.md',
        size: 25,
        offset: 0,
        content: 'Intro\nSee the todo list.\n',
      });
    });

    it.each([
      ['../outside/secret.txt', 'outside-root'],
      ['/etc/passwd', 'invalid-path'],
      ['docs/../../outside/secret.txt', 'outside-root'],
      ['secret-link', 'outside-root'],
      ['outside-dir/secret.txt', 'outside-root'],
    ])('refuses %s', async (path, reason) => {
      const error = await failure(() => read().execute({ path }, context()));
      expect(error.reason).toBe(reason);
      expect(JSON.stringify(error)).not.toContain('TODO secret');
      expect(JSON.stringify(error)).not.toContain(base);
    });

    it('cuts a huge file, says so, and continues from nextOffset', async () => {
      await writeFile(join(root, 'big.txt'), 'a'.repeat(5_000_000));
      const first = await read(1000).execute({ path: 'big.txt' }, context());
      expect(first.content).toHaveLength(1000);
      expect(first.nextOffset).toBe(1000);
      expect(first.note).toBe(
        'The file is 5000000 bytes; this is bytes 0 to 1000. Call again with offset 1000 to read on.',
      );
      const last = await read(1000).execute({ path: 'big.txt', offset: 4_999_500 }, context());
      expect(last.content).toHaveLength(500);
      expect(last.nextOffset).toBeUndefined();
      expect(last.note).toBeUndefined();
    });

    it('never splits a multi-byte character across pages', async () => {
      await writeFile(join(root, 'utf8.txt'), 'ab€cd😀ef');
      const pages: string[] = [];
      let offset: number | undefined = 0;
      while (offset !== undefined) {
        const page = await read(4).execute({ path: 'utf8.txt', offset }, context());
        pages.push(page.content);
        offset = page.nextOffset;
      }
      expect(pages.join('')).toBe('ab€cd😀ef');
      expect(pages.every((page) => !page.includes('\ufffd'))).toBe(true);
      // An offset in the middle of "€" starts at the next character.
      const middle = await read().execute({ path: 'utf8.txt', offset: 3 }, context());
      expect(middle).toMatchObject({ offset: 5, content: 'cd😀ef' });
    });

    it('returns a whole character when maxBytes is smaller than the character', async () => {
      await writeFile(join(root, 'emoji.txt'), '😀é😀');
      const pages: { offset: number; content: string; nextOffset?: number | undefined }[] = [];
      let offset: number | undefined = 0;
      while (offset !== undefined) {
        const page = await read().execute({ path: 'emoji.txt', offset, maxBytes: 1 }, context());
        pages.push({ offset: page.offset, content: page.content, nextOffset: page.nextOffset });
        offset = page.nextOffset;
      }
      expect(pages).toEqual([
        { offset: 0, content: '😀', nextOffset: 4 },
        { offset: 4, content: 'é', nextOffset: 6 },
        { offset: 6, content: '😀', nextOffset: undefined },
      ]);
    });

    it('refuses binary files', async () => {
      const error = await failure(() => read().execute({ path: 'image.png' }, context()));
      expect(error.reason).toBe('binary');
      expect(error.message).toBe(
        '"image.png" is a binary file (7 bytes); it cannot be shown as text.',
      );
      await writeFile(join(root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
      expect((await failure(() => read().execute({ path: 'latin1.txt' }, context()))).reason).toBe(
        'binary',
      );
    });

    it('explains a directory and a missing file', async () => {
      expect((await failure(() => read().execute({ path: 'docs' }, context()))).message).toBe(
        '"docs" is a directory. Use list_files to see its contents.',
      );
      expect((await failure(() => read().execute({ path: 'missing.md' }, context()))).message).toBe(
        '"missing.md" does not exist. Use list_files or find_files to see what is there.',
      );
    });

    it.each(['README.md/', 'docs/intro.md/', 'README.md/.'])(
      'refuses %s, which ends like a folder, instead of reading the file',
      async (path) => {
        const error = await failure(() => read().execute({ path }, context()));
        expect(error).toMatchObject({ reason: 'wrong-type', path });
        expect(error.message).toMatch(/, so it names a folder; a file path must /);
      },
    );

    it('names the tools as the model sees them when they have a prefix', async () => {
      const files = createFileTools({ root, namePrefix: 'docs_' });
      expect(
        (await failure(() => files.readFile.execute({ path: 'docs' }, context()))).message,
      ).toBe('"docs" is a directory. Use docs_list_files to see its contents.');
      expect(
        (await failure(() => files.readFile.execute({ path: 'missing.md' }, context()))).message,
      ).toBe(
        '"missing.md" does not exist. Use docs_list_files or docs_find_files to see what is there.',
      );
    });

    it('caps the page size in the schema', () => {
      expect(read(1000).parseArgs({ path: 'x', maxBytes: 5000 }).success).toBe(false);
      expect(read(1000).parseArgs({ path: 'x', offset: -1 }).success).toBe(false);
    });
  });

  describe('find_files', () => {
    it('finds by pattern below a folder, skipping dependencies and links', async () => {
      const { findFiles } = createFileTools({ root });
      expect(await findFiles.execute({ pattern: '*.md' }, context())).toMatchObject({
        matches: [
          { path: 'README.md', size: 27 },
          { path: 'docs/guides/setup.md', size: 19 },
          { path: 'docs/intro.md', size: 25 },
        ],
      });
      const inDocs = await findFiles.execute({ pattern: 'SETUP', path: 'docs' }, context());
      expect(inDocs.matches.map((match) => match.path)).toEqual(['docs/guides/setup.md']);
      const secret = await findFiles.execute({ pattern: 'secret*' }, context());
      expect(secret.matches).toEqual([]);
    });

    it('stops at maxResults and at maxEntries', async () => {
      for (let index = 0; index < 30; index++) {
        await writeFile(join(root, 'docs', `note-${String(index).padStart(2, '0')}.txt`), 'x');
      }
      const limited = createFileTools({ root, maxResults: 5 });
      const result = await limited.findFiles.execute({ pattern: 'note-*' }, context());
      expect(result.matches).toHaveLength(5);
      expect(result.note).toBe('Stopped at 5 matches; use a narrower pattern or folder.');
      const shallow = createFileTools({ root, maxEntries: 10 });
      const partial = await shallow.findFiles.execute({ pattern: 'note-*' }, context());
      expect(partial.scanned).toBe(10);
      expect(partial.note).toContain('Stopped after looking at 10 files and folders');
    });

    it('reads a path in the pattern as a name and says so', async () => {
      const { findFiles } = createFileTools({ root });
      const result = await findFiles.execute({ pattern: 'docs/*.md' }, context());
      expect(result.matches.length).toBe(3);
      expect(result.note).toContain('it was read as "*.md"');
    });

    it('refuses to search outside the root', async () => {
      const { findFiles } = createFileTools({ root });
      expect(
        (await failure(() => findFiles.execute({ pattern: '*', path: '../outside' }, context())))
          .reason,
      ).toBe('outside-root');
    });
  });

  describe('search_text', () => {
    it('finds lines case-insensitively with line numbers, skipping binary files and dependencies', async () => {
      const { searchText } = createFileTools({ root });
      const result = await searchText.execute({ query: 'todo' }, context());
      expect(result).toEqual({
        matches: [
          { path: 'README.md', line: 2, text: 'TODO: write docs' },
          { path: 'docs/guides/setup.md', line: 2, text: 'TODO later' },
          { path: 'docs/intro.md', line: 2, text: 'See the todo list.' },
        ],
        filesSearched: 3,
        filesSkipped: 1,
      });
      const exact = await searchText.execute(
        { query: 'TODO', caseSensitive: true, filePattern: 'intro*' },
        context(),
      );
      expect(exact.matches).toEqual([]);
    });

    it('treats the query literally, not as a regular expression', async () => {
      await writeFile(join(root, 'regex.txt'), 'a+b\n(a+)+$ literally\n');
      const { searchText } = createFileTools({ root });
      const result = await searchText.execute({ query: '(a+)+$' }, context());
      expect(result.matches).toEqual([{ path: 'regex.txt', line: 2, text: '(a+)+$ literally' }]);
    });

    it('shortens long lines around the match', async () => {
      await writeFile(join(root, 'long.txt'), `${'x'.repeat(500)}NEEDLE${'y'.repeat(500)}`);
      const { searchText } = createFileTools({ root });
      const [match] = (await searchText.execute({ query: 'needle' }, context())).matches;
      expect(match?.text).toBe(`…${'x'.repeat(80)}NEEDLE${'y'.repeat(80)}…`);
    });

    it('shortens around the match when lower-casing changes the length of the line', async () => {
      // "İ" (U+0130) lower-cases to "i̇", two code units: the match is further along in the
      // lower-cased line than in the line itself.
      await writeFile(join(root, 'tr.txt'), `${'İ'.repeat(300)} NEEDLE ${'y'.repeat(300)}`);
      const { searchText } = createFileTools({ root });
      const [match] = (await searchText.execute({ query: 'needle' }, context())).matches;
      expect(match?.text).toBe(`…${'İ'.repeat(79)} NEEDLE ${'y'.repeat(79)}…`);
    });

    it('stops at the match limit, skips large files, and bounds the bytes read', async () => {
      await writeFile(join(root, 'many.txt'), 'hit\n'.repeat(1000));
      await writeFile(join(root, 'huge.txt'), `hit\n${'z'.repeat(6000)}`);
      const limited = createFileTools({ root, maxResults: 10, maxSearchFileBytes: 5000 });
      const result = await limited.searchText.execute({ query: 'hit' }, context());
      expect(result.matches).toHaveLength(10);
      expect(result.matches.every((match) => match.path === 'many.txt')).toBe(true);
      expect(result.note).toBe(
        'Stopped at 10 matches; narrow the query, the folder or filePattern.',
      );
      const budget = createFileTools({ root, maxSearchBytes: 50 });
      const partial = await budget.searchText.execute({ query: 'hit' }, context());
      expect(partial.note).toBe(
        'Stopped after reading 50 bytes of files; search a subfolder or use filePattern to cover the rest.',
      );
    });

    it('stops when the call is aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('aborted by the run'));
      const { searchText } = createFileTools({ root });
      await expect(searchText.execute({ query: 'x' }, context(controller.signal))).rejects.toThrow(
        'aborted by the run',
      );
    });
  });

  describe('write_file', () => {
    const writer = (allowOverwrite?: boolean) =>
      createFileTools({ root, allowWrite: true, allowOverwrite, maxWriteBytes: 1000 }).writeFile!;

    it('creates a file and its folders', async () => {
      const result = await writer().execute(
        { path: 'out/notes/today.md', content: 'hello €' },
        context(),
      );
      expect(result).toEqual({ path: 'out/notes/today.md', bytes: 9, created: true });
      expect(await readFile(join(root, 'out', 'notes', 'today.md'), 'utf8')).toBe('hello €');
      expect(
        (await readdir(join(root, 'out', 'notes'))).filter((name) => name.endsWith('.tmp')),
      ).toEqual([]);
    });

    it('refuses to replace a file unless asked, then replaces it keeping its mode', async () => {
      await writeFile(join(root, 'keep.sh'), 'old', { mode: 0o750 });
      const error = await failure(() =>
        writer().execute({ path: 'keep.sh', content: 'new' }, context()),
      );
      expect(error.reason).toBe('exists');
      expect(error.message).toBe(
        '"keep.sh" already exists. Call again with overwrite: true to replace it, or choose another name.',
      );
      expect(await readFile(join(root, 'keep.sh'), 'utf8')).toBe('old');
      const result = await writer().execute(
        { path: 'keep.sh', content: 'new', overwrite: true },
        context(),
      );
      expect(result.created).toBe(false);
      expect(await readFile(join(root, 'keep.sh'), 'utf8')).toBe('new');
      expect((await stat(join(root, 'keep.sh'))).mode & 0o777).toBe(0o750);
    });

    it('never replaces a file when overwriting is disabled', async () => {
      const noOverwrite = writer(false);
      expect(noOverwrite.declaration.parametersJsonSchema).not.toHaveProperty(
        'properties.overwrite.type',
      );
      const error = await failure(() =>
        noOverwrite.execute(
          { path: 'README.md', content: 'x', overwrite: true } as never,
          context(),
        ),
      );
      expect(error.message).toBe(
        '"README.md" already exists and replacing files is disabled. Choose a new file name.',
      );
    });

    it.each([
      ['../escape.txt', 'outside-root'],
      ['/tmp/escape.txt', 'invalid-path'],
      ['outside-dir/planted.txt', 'outside-root'],
      ['outside-dir/new/planted.txt', 'outside-root'],
      ['docs/../../escape.txt', 'outside-root'],
    ])('refuses to write %s', async (path, reason) => {
      const error = await failure(() =>
        writer().execute({ path, content: 'x', overwrite: true }, context()),
      );
      expect(error.reason).toBe(reason);
      expect(await readdir(join(base, 'outside'))).toEqual(['secret.txt']);
    });

    it('never writes through a symbolic link that leaves the root, even with overwrite', async () => {
      const error = await failure(() =>
        writer().execute({ path: 'secret-link', content: 'pwned', overwrite: true }, context()),
      );
      expect(error.reason).toBe('outside-root');
      await symlink(join(base, 'outside', 'new.txt'), join(root, 'dangling'));
      const dangling = await failure(() =>
        writer().execute({ path: 'dangling', content: 'x' }, context()),
      );
      expect(dangling.reason).toBe('symlink');
      expect(await readdir(join(base, 'outside'))).toEqual(['secret.txt']);
      expect(await readFile(join(base, 'outside', 'secret.txt'), 'utf8')).toBe('TODO secret');
    });

    it('writes to the real file behind a link that stays inside the root, keeping the link', async () => {
      await symlink(join(root, 'README.md'), join(root, 'inner-link'));
      const result = await writer().execute(
        { path: 'inner-link', content: 'replaced', overwrite: true },
        context(),
      );
      expect(result).toEqual({ path: 'README.md', bytes: 8, created: false });
      expect(await readFile(join(root, 'README.md'), 'utf8')).toBe('replaced');
      expect(await readFile(join(root, 'inner-link'), 'utf8')).toBe('replaced');
    });

    it('refuses content over the limit and directories as targets', async () => {
      const big = await failure(() =>
        writer().execute({ path: 'big.txt', content: 'é'.repeat(600) }, context()),
      );
      expect(big.message).toBe(
        'The content is 1200 bytes; the limit is 1000. Write a smaller file.',
      );
      expect(
        (
          await failure(() =>
            writer().execute({ path: 'docs', content: 'x', overwrite: true }, context()),
          )
        ).reason,
      ).toBe('wrong-type');
      expect(
        (await failure(() => writer().execute({ path: '.', content: 'x' }, context()))).reason,
      ).toBe('wrong-type');
    });

    it.each([
      ['trail/', 'a slash'],
      ['docs/intro.md/', 'a slash'],
      ['README.md/.', '"."'],
      ['new/x/..', '".."'],
    ])('refuses %s: a path ending with %s names a folder, not a file', async (path, ending) => {
      const error = await failure(() =>
        writer().execute({ path, content: 'x', overwrite: true }, context()),
      );
      expect(error).toMatchObject({ reason: 'wrong-type', path });
      expect(error.message).toContain(`"${path}" ends with ${ending}, so it names a folder`);
      expect(await readdir(root)).not.toContain('trail');
      expect(await readdir(root)).not.toContain('new');
      expect(await readFile(join(root, 'README.md'), 'utf8')).toBe('# Project\nTODO: write docs\n');
      expect(await readFile(join(root, 'docs', 'intro.md'), 'utf8')).toBe(
        'Intro\nSee the todo list.\n',
      );
    });

    it('says a file stands where the path needs a folder, not that the new file does not exist', async () => {
      const error = await failure(() =>
        writer().execute({ path: 'README.md/notes.txt', content: 'x' }, context()),
      );
      expect(error.reason).toBe('wrong-type');
      expect(error.message).toBe(
        '"README.md/notes.txt" cannot be reached: a part of its path is a file, not a folder. List "." to see what is there.',
      );
    });
  });

  describe('write_file and version-control or dependency folders', () => {
    const writer = () => createFileTools({ root, allowWrite: true }).writeFile!;

    beforeEach(async () => {
      await mkdir(join(root, '.git', 'hooks'), { recursive: true });
      await writeFile(join(root, '.git', 'config'), '[core]\n');
      await symlink(join(root, '.git'), join(root, 'git-link'));
    });

    it.each([
      ['.git/config', '.git'],
      ['.git/hooks/pre-commit', '.git'],
      ['.git/new/folder/file', '.git'],
      ['.git', '.git'],
      ['docs/../.git/config', '.git'],
      ['./.git/config', '.git'],
      ['git-link/config', '.git'],
      ['git-link/hooks/post-checkout', '.git'],
      ['.GIT/config', '.git'],
      ['.Git./config', '.git'],
      ['node_modules/pkg/index.js', 'node_modules'],
      ['docs/node_modules/evil/index.js', 'node_modules'],
      ['docs/.git/config', '.git'],
    ])(
      'refuses to write %s (under %s), even with overwrite, and creates nothing',
      async (path, folder) => {
        const error = await failure(() =>
          writer().execute(
            { path, content: '[core]\n\tfsmonitor = "touch pwned"\n', overwrite: true },
            context(),
          ),
        );
        expect(error.reason).toBe('protected-folder');
        expect(error.message).toContain(`"${folder}"`);
        expect(error.message).not.toContain(base);
        expect(await readFile(join(root, '.git', 'config'), 'utf8')).toBe('[core]\n');
        expect(await readdir(join(root, '.git'))).toEqual(['config', 'hooks']);
        expect(await readdir(join(root, '.git', 'hooks'))).toEqual([]);
        expect(await readdir(join(root, 'docs'))).toEqual(['guides', 'intro.md']);
        expect(await readdir(join(root, 'node_modules'))).toEqual(['pkg']);
      },
    );

    it('refuses to create a .git folder where there is none', async () => {
      await rm(join(root, '.git'), { recursive: true });
      const error = await failure(() =>
        writer().execute({ path: '.git/HEAD', content: 'ref: refs/heads/main\n' }, context()),
      );
      expect(error.reason).toBe('protected-folder');
      expect((await readdir(root)).includes('.git')).toBe(false);
    });

    it('refuses a Windows 8.3 short name of .git, with either separator, and writes nothing', async () => {
      for (const path of ['GIT~1/config', 'git~1\\hooks\\pre-commit', 'docs/HUSKY~1/pre-commit']) {
        const error = await failure(() =>
          writer().execute({ path, content: '[core]\n\tfsmonitor = evil\n' }, context()),
        );
        expect(error.reason).toBe('protected-folder');
      }
      expect((await readdir(root)).filter((name) => name.includes('~'))).toEqual([]);
      expect(await readdir(join(root, 'docs'))).toEqual(['guides', 'intro.md']);
    });

    it('protects the configured skip list, and .git even when the list leaves it out', async () => {
      const custom = createFileTools({ root, allowWrite: true, skipDirectories: ['dist'] })
        .writeFile!;
      expect(
        (await failure(() => custom.execute({ path: 'dist/app.js', content: 'x' }, context())))
          .reason,
      ).toBe('protected-folder');
      expect(
        (
          await failure(() =>
            custom.execute({ path: '.git/config', content: 'x', overwrite: true }, context()),
          )
        ).reason,
      ).toBe('protected-folder');
      // node_modules is no longer in the list: writable.
      expect(
        (await custom.execute({ path: 'node_modules/x.js', content: 'x' }, context())).created,
      ).toBe(true);
      // Names that merely contain a protected name are fine.
      expect(
        (await writer().execute({ path: 'docs/.gitignore', content: 'x' }, context())).created,
      ).toBe(true);
      expect((await writer().execute({ path: 'my.git/x', content: 'x' }, context())).created).toBe(
        true,
      );
    });

    it('says in the description which folders are never written', () => {
      expect(writer().declaration.description).toContain('.git, .husky, node_modules');
    });
  });

  // git takes a folder holding a HEAD that names a ref or an object, objects/ and refs/ for a
  // (bare) git directory, and runs what its config says when a command is run in that folder.
  describe('write_file and folders that look like a git repository', () => {
    const writer = () => createFileTools({ root, allowWrite: true }).writeFile!;
    const head = 'ref: refs/heads/main\n';
    const fsmonitor = '[core]\n\tfsmonitor = "touch pwned"\n';
    const write = (path: string, content = '') =>
      writer().execute({ path, content, overwrite: true }, context());

    it.each([
      [['sub/HEAD', 'sub/objects/info/keep', 'sub/refs/heads/keep'], 'sub'],
      [['sub/objects/info/keep', 'sub/refs/heads/keep', 'sub/HEAD'], 'sub'],
      [['sub/refs/heads/keep', 'sub/HEAD', 'sub/objects/info/keep'], 'sub'],
      [['HEAD', 'objects/pack/x', 'refs/x'], '.'],
      [['sub/HEAD', 'sub/commondir'], 'sub'],
    ])('refuses the last write of %j, which would complete one in %s', async (paths, folder) => {
      const content = (path: string) => (path.endsWith('HEAD') ? head : '../x');
      const last = paths.at(-1) as string;
      for (const path of paths.slice(0, -1)) await write(path, content(path));
      const error = await failure(() => write(last, content(last)));
      expect(error).toMatchObject({ reason: 'protected-folder', path: last });
      expect(error.message).toContain(`would make "${folder}" look like a git repository`);
      expect(error.message).not.toContain(base);
      // Nothing of the refused write was made, not even its first folder.
      const entry = last.split('/')[folder === '.' ? 0 : 1] as string;
      await expect(stat(join(root, folder, entry))).rejects.toThrow();
    });

    it('refuses writes made at once that together would lay one out', async () => {
      const tool = writer();
      const at = (path: string, content = '') => tool.execute({ path, content }, context());
      const outcomes = await Promise.allSettled([
        at('sub/HEAD', head),
        at('sub/objects/info/keep'),
        at('sub/refs/heads/keep'),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
      // Each write that was made landed where it was asked, never one folder up (a folder made by
      // another of the writes while this one was resolved sent it to the root).
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') expect(outcome.value.path).toMatch(/^sub\//);
      }
      expect((await readdir(root)).filter((name) => /^(HEAD|objects|refs)$/.test(name))).toEqual(
        [],
      );
      // Two sets of file tools on the same root, too.
      const others = await Promise.allSettled([
        at('other/HEAD', head),
        write('other/objects/info/keep'),
        writer().execute({ path: 'other/refs/heads/keep', content: '' }, context()),
      ]);
      expect(others.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    });

    it('counts a HEAD holding an object name (a detached HEAD), and one spelled otherwise', async () => {
      await mkdir(join(root, 'sub', 'objects'), { recursive: true });
      await mkdir(join(root, 'sub', 'refs'));
      for (const content of ['0123456789abcdef0123456789ABCDEF01234567\n', 'ref:\trefs/x']) {
        expect((await failure(() => write('sub/HEAD', content))).reason).toBe('protected-folder');
      }
    });

    it.each([
      'sub/config',
      'sub/config.worktree',
      'sub/hooks/post-checkout',
      'sub/objects/info/alternates',
      'sub/deeper/file.txt',
    ])('refuses %s inside one that is already there', async (path) => {
      await mkdir(join(root, 'sub', 'objects'), { recursive: true });
      await mkdir(join(root, 'sub', 'refs'));
      await writeFile(join(root, 'sub', 'HEAD'), head);
      const error = await failure(() => write(path, fsmonitor));
      expect(error).toMatchObject({ reason: 'protected-folder', path });
      expect(error.message).toContain('is inside "sub", which looks like a git repository');
      expect(await readdir(join(root, 'sub'))).toEqual(['HEAD', 'objects', 'refs']);
    });

    it('refuses a config beside a HEAD and a commondir (a worktree git directory)', async () => {
      await mkdir(join(root, 'sub'));
      await writeFile(join(root, 'sub', 'HEAD'), head);
      await writeFile(join(root, 'sub', 'commondir'), '../docs');
      expect((await failure(() => write('sub/config', fsmonitor))).reason).toBe('protected-folder');
    });

    it('keeps ordinary files named config, HEAD, objects or refs writable', async () => {
      // A project's own config or HEAD file, alone or with one of the other two.
      await write('config', fsmonitor);
      await write('HEAD', head);
      await write('app/refs/index.md', 'x');
      await write('app/HEAD', head);
      await write('app/config', fsmonitor);
      await write('data/objects/a.json', '{}');
      await write('data/refs/b.json', '{}');
      // A HEAD that git would not take (neither "ref: refs/..." nor an object name).
      await write('data/HEAD', 'the head of the data\n');
      await write('data/config', fsmonitor);
      await write('data/HEAD', 'ref: heads/main\n');
      expect(await readdir(join(root, 'data'))).toEqual(['HEAD', 'config', 'objects', 'refs']);
    });

    it('says so in the description', () => {
      expect(writer().declaration.description).toContain(
        'a folder that looks like a git repository',
      );
    });
  });

  describe('write_file modes, errors and concurrency', () => {
    const writer = () => createFileTools({ root, allowWrite: true }).writeFile!;

    it('drops setuid, setgid and sticky bits when it replaces a file', async () => {
      await writeFile(join(root, 'tool.sh'), '#!/bin/sh\n');
      await chmod(join(root, 'tool.sh'), 0o7755);
      // setgid may be cleared by the kernel when the file's group is not ours (macOS /tmp).
      expect((await stat(join(root, 'tool.sh'))).mode & 0o5777).toBe(0o5755);
      await writer().execute(
        { path: 'tool.sh', content: 'model bytes', overwrite: true },
        context(),
      );
      expect((await stat(join(root, 'tool.sh'))).mode & 0o7777).toBe(0o755);
    });

    it('maps ENAMETOOLONG and ELOOP to file-tool errors that name only the relative path', async () => {
      await symlink(join(root, 'loop-b'), join(root, 'loop-a'));
      await symlink(join(root, 'loop-a'), join(root, 'loop-b'));
      const tools = createFileTools({ root, allowWrite: true });
      const longName = `${'n'.repeat(300)}.txt`;
      const calls: [string, () => unknown][] = [
        ['read long', () => tools.readFile.execute({ path: longName }, context())],
        [
          'write long',
          () => tools.writeFile!.execute({ path: `docs/${longName}`, content: 'x' }, context()),
        ],
        ['list long', () => tools.listFiles.execute({ path: longName }, context())],
        ['search long', () => tools.searchText.execute({ query: 'x', path: longName }, context())],
        ['read loop', () => tools.readFile.execute({ path: 'loop-a' }, context())],
        ['read through loop', () => tools.readFile.execute({ path: 'loop-a/x.txt' }, context())],
        [
          'write loop',
          () =>
            tools.writeFile!.execute({ path: 'loop-a', content: 'x', overwrite: true }, context()),
        ],
        [
          'write through loop',
          () => tools.writeFile!.execute({ path: 'loop-a/x.txt', content: 'x' }, context()),
        ],
        ['list loop', () => tools.listFiles.execute({ path: 'loop-a' }, context())],
        ['find loop', () => tools.findFiles.execute({ pattern: '*', path: 'loop-a' }, context())],
      ];
      for (const [label, call] of calls) {
        const error = await failure(call).catch((thrown: unknown) => {
          throw new Error(`${label}: expected a FileToolError, got ${String(thrown)}`);
        });
        expect(error.message, label).not.toContain(base);
        expect(error.path, label).not.toContain(base);
        expect(['invalid-path', 'symlink'], label).toContain(error.reason);
      }
    });

    it('lets concurrent overwrite: true writers of a new file all succeed, last one wins', async () => {
      const tool = writer();
      const contents = Array.from({ length: 10 }, (_, index) => `writer ${index}\n`.repeat(100));
      const results = await Promise.allSettled(
        contents.map((content) =>
          tool.execute({ path: 'docs/fresh.md', content, overwrite: true }, context()),
        ),
      );
      expect(results.map((result) => result.status)).toEqual(Array(10).fill('fulfilled'));
      expect(contents).toContain(await readFile(join(root, 'docs', 'fresh.md'), 'utf8'));
      expect((await readdir(join(root, 'docs'))).filter((name) => name.endsWith('.tmp'))).toEqual(
        [],
      );
    });

    it('still lets only one create-only writer of a new file succeed', async () => {
      const tool = writer();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) =>
          tool.execute({ path: 'docs/once.md', content: `writer ${index}` }, context()),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    });
  });
});
