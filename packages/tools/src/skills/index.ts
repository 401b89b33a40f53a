export type { LoadSkillsOptions } from './load-skills.ts';
export { loadSkills } from './load-skills.ts';
export type { Skill } from './skill.ts';
export type { SkillErrorReason } from './skill-error.ts';
export { SkillError } from './skill-error.ts';
export type {
  LoadSkillResult,
  ReadSkillFileResult,
  SkillsKit,
  SkillsOptions,
} from './skills.ts';
export { skills } from './skills.ts';
