import type { FrontMatterValue } from './read-front-matter.ts';
import { readFrontMatter } from './read-front-matter.ts';
import { shownPath } from './shown-path.ts';
import type { Skill } from './skill.ts';
import { SkillError } from './skill-error.ts';

// The limits of https://agentskills.io/specification ("Frontmatter"): name 1-64 characters of
// lowercase letters, digits and hyphens, no leading, trailing or doubled hyphen, equal to the
// folder's name; description 1-1024 characters; compatibility at most 500.
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 1024;
const MAX_COMPATIBILITY = 500;

/**
 * Parses and checks one `SKILL.md`. `folderName` is the name of the folder it sits in (the spec's
 * name must match it); `file` names it in errors.
 * @internal
 */
export function parseSkillMd({
  text,
  file,
  folderName,
}: {
  text: string;
  file: string;
  folderName: string;
}): Omit<Skill, 'files'> {
  const { fields, body } = readFrontMatter(text, file);
  const invalid = (field: string, problem: string): never => {
    throw new SkillError({
      reason: 'invalid-field',
      file,
      field,
      message: `${file}: front-matter field "${field}" ${problem}`,
    });
  };
  const text_ = (field: string): string | undefined => {
    const value = fields.get(field);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return invalid(field, 'must be a single value.');
    return value;
  };
  const name = text_('name');
  if (name === undefined || name === '') return invalid('name', 'is required (the folder name).');
  if (name.length > MAX_NAME || !NAME.test(name)) {
    invalid(
      'name',
      `must be 1-${MAX_NAME} lowercase letters, digits and single hyphens, not starting or ending with one; got ${JSON.stringify(name.slice(0, 80))}.`,
    );
  }
  if (name !== folderName) {
    invalid(
      'name',
      `is "${name}" but the folder is "${shownPath(folderName)}"; rename one so they match.`,
    );
  }
  const description = text_('description')?.trim();
  if (description === undefined || description === '') {
    return invalid('description', 'is required: say what the skill does and when to use it.');
  }
  if (description.length > MAX_DESCRIPTION) {
    invalid('description', `is ${description.length} characters; the limit is ${MAX_DESCRIPTION}.`);
  }
  const compatibility = text_('compatibility');
  if (compatibility !== undefined && compatibility.length > MAX_COMPATIBILITY) {
    invalid(
      'compatibility',
      `is ${compatibility.length} characters; the limit is ${MAX_COMPATIBILITY}.`,
    );
  }
  const metadata = fields.get('metadata');
  if (metadata !== undefined && (typeof metadata === 'string' || Array.isArray(metadata))) {
    if (metadata !== '') invalid('metadata', 'must be a map of "key: value" lines.');
  }
  const skill: Omit<Skill, 'files'> = { name, description, body };
  const license = text_('license');
  if (license !== undefined) skill.license = license;
  if (compatibility !== undefined) skill.compatibility = compatibility;
  if (metadata !== undefined && typeof metadata === 'object' && !Array.isArray(metadata)) {
    skill.metadata = metadata;
  }
  const allowed = toolList(fields.get('allowed-tools'), invalid);
  if (allowed !== undefined) skill.allowedTools = allowed;
  return skill;
}

// The spec writes allowed-tools as one space-separated string; some skills use a YAML list.
function toolList(
  value: FrontMatterValue | undefined,
  invalid: (field: string, problem: string) => never,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((name) => name !== '');
  if (Array.isArray(value)) return value.filter((name) => name !== '');
  return invalid('allowed-tools', 'must be a space-separated list of tool names.');
}
