import { GemloopError } from '@gemloop/core';

/** Why a skill was refused, at load time or when the model asked for it. */
export type SkillErrorReason =
  /** The skills folder is missing or not a folder. */
  | 'invalid-folder'
  /** `SKILL.md` has no front matter, or a line the front-matter reader does not understand. */
  | 'front-matter'
  /** A front-matter field is missing or breaks the Agent Skills rules (`field` says which). */
  | 'invalid-field'
  /** Two skills have the same name. */
  | 'duplicate-name'
  /** A symbolic link inside a skill folder (skills never follow links). */
  | 'symlink'
  /** A file is larger than `maxFileBytes`. */
  | 'too-large'
  /** More skills, files or folder levels than the limits allow. */
  | 'too-many'
  /** The model named a skill that is not loaded. */
  | 'unknown-skill'
  /** The model asked for a path that is not a readable file of the skill (escaping, absolute, missing, binary). */
  | 'invalid-path'
  /** The file system refused. */
  | 'io';

/**
 * A skill folder was refused, or the model asked for something a skill does not have. The message
 * names the file (relative to the skills folder) and, for front matter, the field.
 */
export class SkillError extends GemloopError {
  override readonly code = 'skill';
  readonly reason: SkillErrorReason;
  /** The file, relative to the skills folder (e.g. `pdf/SKILL.md`), when one is to blame. */
  readonly file: string | undefined;
  /** The front-matter field, for `invalid-field`. */
  readonly field: string | undefined;

  constructor({
    reason,
    message,
    file,
    field,
    cause,
  }: {
    reason: SkillErrorReason;
    message: string;
    file?: string | undefined;
    field?: string | undefined;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
    this.file = file;
    this.field = field;
  }

  static override isInstance(error: unknown): error is SkillError {
    return GemloopError.hasCode(error, 'skill');
  }
}
