import { isUtf8 } from 'node:buffer';
import type { Dirent } from 'node:fs';
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  integerOption,
  quoteText,
} from '@gemloop/core/internal';
import { looksBinary } from '../internal/looks-binary.ts';
import { parseSkillMd } from './parse-skill-md.ts';
import { shownPath } from './shown-path.ts';
import type { Skill } from './skill.ts';
import { SkillError } from './skill-error.ts';

/** Limits of {@link loadSkills}. Every read is bounded: a skills folder is input, not code. */
export type LoadSkillsOptions = {
  /** Most skills (folders with a `SKILL.md`). Default 100. */
  maxSkills?: number | undefined;
  /** Most bytes of any one file, `SKILL.md` included. Default 256 KiB, at most 1 GiB. */
  maxFileBytes?: number | undefined;
  /** Most files in one skill folder, `SKILL.md` included. Default 200. */
  maxFilesPerSkill?: number | undefined;
  /** Most folder levels below a skill folder. Default 8. */
  maxDepth?: number | undefined;
  /**
   * Most bytes of all the text files read, every skill's together (binary files are not kept).
   * Default 64 MiB: the other limits allowed 100 × 200 × 256 KiB, 5 GB held in memory.
   */
  maxTotalBytes?: number | undefined;
};

const DEFAULTS = {
  maxSkills: 100,
  maxFileBytes: 256 * 1024,
  maxFilesPerSkill: 200,
  maxDepth: 8,
  maxTotalBytes: 64 * 1024 * 1024,
};

/** The largest `maxFileBytes`: 1 GiB, far past any skill file, well inside a Buffer's size. */
const MAX_FILE_BYTES = 2 ** 30;

// What one read of a skill file asks for.
const READ_CHUNK_BYTES = 64 * 1024;

const limit = integerOption({ min: 1 });

/** The limits, declared once: unchecked, `NaN` turned a bound off and `'x'` threw from Buffer. */
const loadSkillsOptions: DeclaredOptions<LoadSkillsOptions> = defineOptions<LoadSkillsOptions>({
  name: 'loadSkills',
  example: '{ maxSkills: 100, maxFileBytes: 262144 }',
  checks: {
    maxSkills: limit,
    maxFileBytes: integerOption({ min: 1, max: MAX_FILE_BYTES }),
    maxFilesPerSkill: limit,
    maxDepth: integerOption({ min: 0 }),
    maxTotalBytes: limit,
  },
});

/**
 * The order skills and their files are read in, the same on every machine: English collation,
 * never the process's locale. Under `LANG=da_DK.UTF-8` a folder `aa-…` sorted last (Danish reads
 * "aa" as "å"), under `tr_TR.UTF-8` `Invoice` before `image`, so the skills listed to the model,
 * and the prompt's bytes, changed with the machine (attack49a).
 */
function byName(a: Dirent, b: Dirent): number {
  return a.name.localeCompare(b.name, 'en');
}

/**
 * Reads every `<dir>/<name>/SKILL.md` (the Agent Skills format, https://agentskills.io/specification)
 * and the other files of each skill folder, checked and bounded, into {@link Skill} values for
 * {@link skills}. Folders without a `SKILL.md` are skipped.
 *
 * Symbolic links anywhere inside are refused, not followed: a skill comes from someone else, and a
 * link to `/etc` or `~/.ssh` would let the model read what the skill's author chose. Files are read
 * here, once, so the tools the model calls later never touch the disk.
 *
 * @throws {@link SkillError} naming the file (relative to `dir`) and, for front matter, the field.
 */
export async function loadSkills(dir: string, options: LoadSkillsOptions = {}): Promise<Skill[]> {
  // Each limit read once (a copy), then checked.
  const limits = { ...DEFAULTS, ...definedOnly(checkOptionsCopy(loadSkillsOptions, options)) };
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new SkillError({
      reason: 'invalid-folder',
      message: `loadSkills: cannot read the skills folder ${typeof dir === 'string' ? quoteText(dir) : `(a ${typeof dir}, not a path)`}; pass a folder whose subfolders each hold a SKILL.md.`,
      cause,
    });
  }
  const skills: Skill[] = [];
  // The bytes of text kept so far, every skill's: the other limits bound each file and skill only.
  const kept = { bytes: 0 };
  for (const entry of entries.sort(byName)) {
    // The folder's name as errors show it: the skill's author chose it.
    const shownName = shownPath(entry.name);
    if (entry.isSymbolicLink()) {
      // A linked skill folder could lead anywhere on disk; the whole load stops rather than skip it silently.
      throw linkRefused(shownName);
    }
    if (!entry.isDirectory()) continue;
    const folder = join(dir, entry.name);
    const skillMd = await lstatOrUndefined(join(folder, 'SKILL.md'));
    if (skillMd === undefined) continue;
    const file = `${shownName}/SKILL.md`;
    if (skillMd.isSymbolicLink()) throw linkRefused(file);
    if (skills.length >= limits.maxSkills) {
      throw new SkillError({
        reason: 'too-many',
        file: shownName,
        message: `loadSkills: more than ${limits.maxSkills} skills in the folder; raise maxSkills or split the folder.`,
      });
    }
    const files = await readSkillFolder(folder, shownName, limits, kept);
    const text = files.get('SKILL.md');
    files.delete('SKILL.md');
    if (text === undefined) {
      throw new SkillError({
        reason: 'invalid-field',
        file,
        message: `${file}: is not UTF-8 text.`,
      });
    }
    const skill: Skill = { ...parseSkillMd({ text, file, folderName: entry.name }), files };
    skills.push(skill);
  }
  return skills;
}

async function readSkillFolder(
  folder: string,
  /** The skill folder's name as errors show it. */
  skillName: string,
  limits: typeof DEFAULTS,
  kept: { bytes: number },
): Promise<Map<string, string | undefined>> {
  const files = new Map<string, string | undefined>();
  const walk = async (absolute: string, relative: string, depth: number): Promise<void> => {
    const entries = await readdir(absolute, { withFileTypes: true });
    for (const entry of entries.sort(byName)) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const shown = `${skillName}/${shownPath(path)}`;
      if (entry.isSymbolicLink()) throw linkRefused(shown);
      if (entry.isDirectory()) {
        if (depth >= limits.maxDepth) {
          throw new SkillError({
            reason: 'too-many',
            file: shown,
            message: `${shown}: deeper than ${limits.maxDepth} folder levels; raise maxDepth or flatten the skill.`,
          });
        }
        await walk(join(absolute, entry.name), path, depth + 1);
        continue;
      }
      if (!entry.isFile()) continue;
      if (files.size >= limits.maxFilesPerSkill) {
        throw new SkillError({
          reason: 'too-many',
          file: shown,
          message: `${skillName}: more than ${limits.maxFilesPerSkill} files; raise maxFilesPerSkill or trim the skill.`,
        });
      }
      const text = await readBounded(join(absolute, entry.name), shown, limits.maxFileBytes);
      kept.bytes += text === undefined ? 0 : Buffer.byteLength(text);
      if (kept.bytes > limits.maxTotalBytes) {
        throw new SkillError({
          reason: 'too-large',
          file: shown,
          message: `loadSkills: the skills' text files pass ${limits.maxTotalBytes} bytes together at ${shown}; raise maxTotalBytes or load fewer skills.`,
        });
      }
      files.set(path, text);
    }
  };
  await walk(folder, '', 0);
  return files;
}

// Opened without following a link, then read up to one byte past the limit: a file that grows
// after a size check can never make this read more than the limit.
async function readBounded(
  absolute: string,
  shown: string,
  maxBytes: number,
): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(absolute, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (cause) {
    throw new SkillError({
      reason: 'io',
      file: shown,
      message: `${shown}: cannot be read.`,
      cause,
    });
  }
  try {
    if (!(await handle.stat()).isFile()) throw linkRefused(shown);
    // Read as the file comes, up to one byte past the limit, never a buffer of the limit up
    // front: a raised maxFileBytes of 512 MiB zeroed that much for every one-line file (attack20).
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
    if (length > maxBytes) {
      throw new SkillError({
        reason: 'too-large',
        file: shown,
        message: `${shown}: larger than ${maxBytes} bytes; raise maxFileBytes or move the file out of the skill.`,
      });
    }
    const bytes = Buffer.concat(chunks, length);
    // The whole file is checked, not only the first KB `looksBinary` reads: a byte that is not
    // UTF-8 further on became U+FFFD without a word (a Latin-1 SKILL.md loaded with its accents
    // gone). The file is at most maxFileBytes, already in memory.
    return looksBinary(bytes) || !isUtf8(bytes) ? undefined : bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}

function linkRefused(shown: string): SkillError {
  return new SkillError({
    reason: 'symlink',
    file: shown,
    message: `${shown}: is a symbolic link; skills never follow links. Copy the file into the skill folder instead.`,
  });
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

function definedOnly(options: LoadSkillsOptions): Partial<typeof DEFAULTS> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
