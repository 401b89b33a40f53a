import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import {
  arrayOption,
  checkOptionsCopy,
  cutText,
  type DeclaredOptions,
  defineOptions,
  integerOption,
  required,
} from '@gemloop/core/internal';
import { definePlugin } from '@gemloop/core/plugins';
import type { AnyTool } from '@gemloop/core/tools';
import { z } from 'zod/v4';
import type { Skill } from './skill.ts';
import { SkillError } from './skill-error.ts';

/** Options of {@link skills}. */
export type SkillsOptions = {
  /** The skills, from {@link loadSkills} or built by hand. */
  skills: readonly Skill[];
  /**
   * The tools the agent has besides the skill tools. A skill's `allowed-tools` is compared with
   * their names: `load_skill` tells the model which of them the skill may use, and which it names
   * but the agent lacks. Skills never add tools.
   */
  agentTools?: readonly AnyTool[] | undefined;
  /** Most characters `read_skill_file` returns per call. Default 50 000. */
  maxReadChars?: number | undefined;
};

const skillsOptions: DeclaredOptions<SkillsOptions> = defineOptions<SkillsOptions>({
  name: 'skills',
  example: "{ skills: await loadSkills('./skills'), agentTools }",
  checks: {
    skills: required(
      arrayOption({
        item: (skill) => typeof (skill as { name?: unknown } | null)?.name === 'string',
        message: "skills needs the skills, from loadSkills('./skills') or built by hand.",
      }),
    ),
    agentTools: arrayOption({ message: 'skills: agentTools must be an array of tools.' }),
    maxReadChars: integerOption({ min: 1 }),
  },
});

/** What `load_skill` returns to the model. */
export type LoadSkillResult = {
  name: string;
  /** The instructions of `SKILL.md`. */
  instructions: string;
  /** The other files of the skill, for `read_skill_file`. */
  files: string[];
  /** Tools the skill may use: its `allowed-tools` that the agent has (all the agent's when it names none). */
  allowedTools: string[];
  /** Tools the skill names that the agent does not have: calling them fails. */
  unavailableTools?: string[] | undefined;
};

/** What `read_skill_file` returns to the model. */
export type ReadSkillFileResult = {
  name: string;
  path: string;
  content: string;
  /** Set when the content was cut at `maxReadChars`. */
  note?: string | undefined;
};

/** The tools and the instruction block {@link skills} makes; add both to `createAgent`. */
export type SkillsKit = {
  /** `load_skill` and `read_skill_file`. */
  tools: [
    DefinedTool<{ name: string }, LoadSkillResult>,
    DefinedTool<{ name: string; path: string }, ReadSkillFileResult>,
  ];
  /** Each skill's name and description, and how to load one: append it to the agent's instructions. */
  instructions: string;
};

/**
 * Agent Skills with progressive disclosure (https://agentskills.io/specification): the
 * instructions list only each skill's name and description; the model calls `load_skill` for the
 * body of the one it picks, and `read_skill_file` for a file of that skill. Both read the
 * {@link Skill} values in memory, so a path can name nothing outside the skill.
 *
 * This is tools and instructions only, not a change to the loop. A skill's `allowed-tools`
 * narrows and never widens: `load_skill` reports which named tools the agent lacks, and the
 * model cannot call a tool the agent was not given. A skill's scripts are files the model can
 * read; they run only through a tool the agent already has (gemloop has no shell tool).
 *
 * @example
 * ```ts
 * const kit = skills({ skills: await loadSkills('./skills'), agentTools: files.tools });
 * const agent = createAgent({ gemini, model, instructions: `Be brief.\n\n${kit.instructions}`, tools: [...files.tools, ...kit.tools] });
 * ```
 */
export function skills(options: SkillsOptions): SkillsKit {
  // Each option read once, then checked (attack20: `maxReadChars: NaN` cut every read to nothing,
  // a misspelt option was dropped without a word).
  const {
    skills: list,
    agentTools = [],
    maxReadChars = 50_000,
  } = checkOptionsCopy(skillsOptions, options);
  const byName = new Map<string, Skill>();
  for (const skill of list) {
    if (byName.has(skill.name)) {
      throw new SkillError({
        reason: 'duplicate-name',
        field: 'name',
        message: `skills: two skills are named "${skill.name}"; skill names must be unique.`,
      });
    }
    byName.set(skill.name, skill);
  }
  // Built-in tools (Google Search, code execution) have no function name a skill could list.
  const agentToolNames = agentTools.flatMap((tool) =>
    'name' in tool && typeof tool.name === 'string' ? [tool.name] : [],
  );
  const find = (name: string): Skill => {
    const skill = byName.get(name);
    if (skill !== undefined) return skill;
    throw new SkillError({
      reason: 'unknown-skill',
      message: `There is no skill "${name.slice(0, 80)}". The skills are: ${[...byName.keys()].join(', ')}.`,
    });
  };
  const loadSkill = defineTool({
    name: 'load_skill',
    description:
      'Loads the instructions of one skill from the list in your instructions. Call it when a task matches a skill, before you act.',
    parameters: z.object({
      name: z.string().min(1).max(64).describe('The skill name, as listed.'),
    }),
    execute: async ({ name }): Promise<LoadSkillResult> => {
      const skill = find(name);
      const declared = skill.allowedTools;
      const result: LoadSkillResult = {
        name: skill.name,
        instructions: skill.body,
        files: [...(skill.files?.keys() ?? [])],
        allowedTools:
          declared === undefined
            ? agentToolNames
            : agentToolNames.filter((tool) => declared.some((entry) => toolName(entry) === tool)),
      };
      const missing = declared?.map(toolName).filter((tool) => !agentToolNames.includes(tool));
      if (missing !== undefined && missing.length > 0) result.unavailableTools = missing;
      return result;
    },
  });
  const readSkillFile = defineTool({
    name: 'read_skill_file',
    description:
      'Reads a file of a skill (a path from the files load_skill listed, e.g. references/forms.md).',
    parameters: z.object({
      name: z.string().min(1).max(64).describe('The skill name.'),
      path: z
        .string()
        .min(1)
        .max(1024)
        .describe('The file path inside the skill folder, as load_skill listed it.'),
    }),
    execute: async ({ name, path }): Promise<ReadSkillFileResult> => {
      const skill = find(name);
      const clean = cleanPath(path);
      const files = skill.files ?? new Map<string, string | undefined>();
      if (clean === undefined || !files.has(clean)) {
        throw new SkillError({
          reason: 'invalid-path',
          message: `Skill "${skill.name}" has no file ${JSON.stringify(path.slice(0, 200))}. Its files are: ${[...files.keys()].join(', ') || 'none'}.`,
        });
      }
      const content = files.get(clean);
      if (content === undefined) {
        throw new SkillError({
          reason: 'invalid-path',
          message: `${skill.name}/${clean} is a binary file and cannot be read as text.`,
        });
      }
      if (content.length <= maxReadChars) return { name: skill.name, path: clean, content };
      // Never half an emoji: a lone surrogate is no character, and the model would read U+FFFD.
      const shown = cutText(content, maxReadChars);
      return {
        name: skill.name,
        path: clean,
        content: shown,
        note: `The file is ${content.length} characters; only the first ${shown.length} are shown.`,
      };
    },
  });
  // Which skill a run loaded, as an event of its own (a `plugin` event on the stream, a
  // `gemloop.plugin` event on the run span, a line in the recording): its name, never its body.
  // Read from the call's result, and only a name of these skills (a hook before this one may
  // have answered the call with something else).
  const reporter = definePlugin({
    name: 'skills',
    afterToolCall: (call, run) => {
      if (call.toolName !== 'load_skill') return;
      const name = (call.result as { name?: unknown } | null)?.name;
      if (typeof name === 'string' && byName.has(name)) run.emit('skill-loaded', { name });
    },
  });
  // A frozen tool like defineTool's, with the plugin it brings (`FunctionTool.plugin`): an agent
  // given the tool runs the plugin, once.
  const loadSkillReported = Object.freeze({ ...loadSkill, plugin: reporter }) as typeof loadSkill;
  return { tools: [loadSkillReported, readSkillFile], instructions: instructionBlock(list) };
}

// "Bash(git:*)" in allowed-tools names the tool Bash with an argument pattern (the spec's example):
// the name is what comes before the first "(" of an entry ending in ")". Found with indexOf: the
// regex `/\(.*\)$/` it replaces was quadratic in the "(" of an entry (250,000 of them in a
// skill's allowed-tools held the event loop for minutes in each load_skill call).
function toolName(entry: string): string {
  const open = entry.indexOf('(');
  return open !== -1 && entry.endsWith(')') ? entry.slice(0, open) : entry;
}

// Paths are looked up in the map, never on disk; this only rejects forms that are never keys, so
// the model gets a clear refusal for "../x" or "/etc/passwd" rather than "no such file".
function cleanPath(path: string): string | undefined {
  if (path.includes('\0') || path.includes('\\') || path.startsWith('/')) return undefined;
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return undefined;
  return parts.join('/');
}

// The names and descriptions only (the spec's "metadata loaded at startup"); one line each, so a
// description cannot start a heading or a fake instruction line of its own, and with < and >
// escaped, so it cannot close the <available_skills> block and write outside it.
function instructionBlock(list: readonly Skill[]): string {
  if (list.length === 0) return '';
  const lines = list.map((skill) => {
    const description = skill.description
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;');
    return `- ${skill.name}: ${description}`;
  });
  return [
    'You have these skills. When a task matches one, call load_skill with its name and follow the instructions it returns; use read_skill_file for the files it lists.',
    '<available_skills>',
    ...lines,
    '</available_skills>',
  ].join('\n');
}
