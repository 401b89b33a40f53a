/**
 * One Agent Skill as data (https://agentskills.io/specification): what `SKILL.md` says and the
 * text files of its folder. {@link loadSkills} builds these from folders on disk; a test or a
 * runtime without a file system can build them by hand and pass them to {@link skills}.
 */
export type Skill = {
  /** 1 to 64 characters of `a-z`, `0-9` and single hyphens; the folder's name. */
  name: string;
  /** What the skill does and when to use it (1 to 1024 characters): all the model sees before it loads the skill. */
  description: string;
  /** The instructions: `SKILL.md` after its front matter. */
  body: string;
  license?: string | undefined;
  /** Environment requirements (at most 500 characters). */
  compatibility?: string | undefined;
  metadata?: Readonly<Record<string, string>> | undefined;
  /**
   * The tools the skill says it needs (`allowed-tools`). Only narrows: a name the agent lacks
   * grants nothing (see {@link skills}).
   */
  allowedTools?: readonly string[] | undefined;
  /**
   * The other files of the folder by relative path (`/`-separated, e.g. `references/forms.md`):
   * their UTF-8 text, or `undefined` for a binary file (listed, never returned).
   */
  files?: ReadonlyMap<string, string | undefined> | undefined;
};
