import type { FunctionDeclaration } from '@gemloop/core/wire';
import { findUnits } from './find-units.ts';
import { findDateTimes, findExpression, globPattern } from './find-values.ts';
import { readParameters } from './read-parameters.ts';
import { meaningfulStems, nameStems, synonymGroup } from './read-words.ts';

const calculateGroup = synonymGroup('calculate') ?? -1;
const convertGroup = synonymGroup('convert') ?? -1;

/** What a clause offers a tool, read once per clause. @internal */
export type ClauseFeatures = {
  text: string;
  words: string[];
  groups: Set<number>;
  hasDigits: boolean;
  hasExpression: boolean;
  hasUnits: boolean;
  hasUrl: boolean;
  dates: number;
  mentionsNow: boolean;
  hasGlob: boolean;
  hasFileName: boolean;
};

/** Reads the features of a clause that tool scoring uses. @internal */
export function readClauseFeatures(text: string): ClauseFeatures {
  const words = meaningfulStems(text);
  return {
    text,
    words,
    groups: new Set(words.map(synonymGroup).filter((group) => group !== undefined)),
    hasDigits: /\d/.test(text),
    hasExpression: findExpression(text) !== undefined,
    hasUnits: findUnits(text) !== undefined,
    hasUrl: /https?:\/\//.test(text),
    dates: findDateTimes(text).filter((token) => /\d/.test(token)).length,
    mentionsNow: /\b(now|today|current(ly)?|at the moment)\b/i.test(text),
    hasGlob: globPattern.test(text),
    hasFileName: /\b[\w-]+\.[a-z][a-z0-9]{0,4}\b/i.test(text),
  };
}

type ToolFeatures = {
  names: string[];
  nameGroups: Set<number>;
  description: Set<string>;
  takesExpression: boolean;
  onlyNumbers: boolean;
  takesAmount: boolean;
  takesUrl: boolean;
  dateParameters: number;
  takesPattern: boolean;
  takesPath: boolean;
};

// Declarations are read once, not once per clause: a long list question scores many clauses.
// why (cache): a cache of what the declaration object alone says, not run data.
const toolFeatures = new WeakMap<FunctionDeclaration, ToolFeatures>();

function readToolFeatures(declaration: FunctionDeclaration): ToolFeatures {
  const cached = toolFeatures.get(declaration);
  if (cached !== undefined) return cached;
  const names = nameStems(declaration.name);
  const parameters = readParameters(declaration);
  const has = (pattern: RegExp) => parameters.some((parameter) => pattern.test(parameter.name));
  const features: ToolFeatures = {
    names,
    nameGroups: new Set(names.map(synonymGroup).filter((group) => group !== undefined)),
    description: new Set(meaningfulStems(declaration.description ?? '')),
    takesExpression: has(/expression|expr|formula|equation/i),
    onlyNumbers: parameters
      .filter((parameter) => parameter.required)
      .every((parameter) => parameter.type === 'number' || parameter.type === 'integer'),
    takesAmount: has(/^(value|amount|quantity|number)$/i),
    takesUrl: has(/url|link|uri/i),
    dateParameters: parameters.filter(
      (parameter) =>
        /date|time|^(from|to|start|end)$/i.test(parameter.name) &&
        !/zone/i.test(parameter.name) &&
        /date|iso ?8601/i.test(`${parameter.name} ${parameter.description}`),
    ).length,
    takesPattern: has(/pattern|glob/i),
    takesPath: has(/path|file/i),
  };
  toolFeatures.set(declaration, features);
  return features;
}

/**
 * How well a tool fits a clause: its name's words (+3 each, or through a synonym: "forecast"
 * finds `get_weather`), its description's words (up to +3), and the values the clause holds that
 * the tool's parameters want (an expression, units to convert, a URL, a date, a file pattern).
 * A calculating or converting tool with no number to work on loses points: "What's the date?"
 * is not a job for `add_to_date`.
 * @internal
 */
export function scoreTool(clause: ClauseFeatures, declaration: FunctionDeclaration): number {
  const tool = readToolFeatures(declaration);
  const { words, groups } = clause;
  const { names, nameGroups } = tool;
  let score = 0;
  for (const name of names) if (words.includes(name)) score += 3;
  // The request's first word is usually its verb or subject: "Search the files for TODO" is a
  // search even though it says "files".
  const first = words[0];
  if (first !== undefined && (names.includes(first) || nameGroups.has(synonymGroup(first) ?? -1))) {
    score += 2;
  }
  for (const group of nameGroups) if (groups.has(group)) score += 3;
  let described = 0;
  for (const word of new Set(words)) if (tool.description.has(word)) described++;
  score += Math.min(described, 3);
  // An expression wants a calculator: a tool with an expression parameter, or a calculating
  // tool that takes only numbers (`add(a, b)`), not `add_to_date`.
  if (
    clause.hasExpression &&
    (tool.takesExpression || (nameGroups.has(calculateGroup) && tool.onlyNumbers))
  ) {
    score += 4;
  }
  if (clause.hasUnits && nameGroups.has(convertGroup) && tool.takesAmount) score += 4;
  if (clause.hasUrl && tool.takesUrl) score += 4;
  // Dates in the text fit a tool with date parameters, the better the more of them it takes
  // ("between 2024-01-15 and 2024-03-01" is a span: two dates).
  const matched = Math.min(clause.dates, tool.dateParameters);
  if (matched > 0) score += matched + 1;
  // "now", "today", "current": the tool that reads the present, not one that does date sums.
  // Only among tools that already fit: "Tokyo right now" is not a question about the time.
  if (score >= 3 && clause.mentionsNow && names.includes('current')) score += 3;
  if (clause.hasGlob && tool.takesPattern) score += 3;
  if (clause.hasFileName && tool.takesPath) score += 2;
  if (!clause.hasDigits && (nameGroups.has(calculateGroup) || nameGroups.has(convertGroup))) {
    score -= 4;
  }
  return score;
}
