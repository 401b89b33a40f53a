import type { FunctionDeclaration } from '../../wire/request.ts';
import { findUnits } from './find-units.ts';
import { findDateTimes, findExpression, globPattern } from './find-values.ts';
import { readParameters } from './read-parameters.ts';
import { meaningfulStems, nameStems, synonymGroup } from './read-words.ts';

const calculateGroup = synonymGroup('calculate') ?? -1;
const convertGroup = synonymGroup('convert') ?? -1;

/**
 * How well a tool fits a clause: its name's words (+3 each, or through a synonym: "forecast"
 * finds `get_weather`), its description's words (up to +3), and the values the clause holds that
 * the tool's parameters want (an expression, units to convert, a URL, a date, a file pattern).
 * A calculating or converting tool with no number to work on loses points: "What's the date?"
 * is not a job for `add_to_date`.
 * @internal
 */
export function scoreTool(clause: string, declaration: FunctionDeclaration): number {
  const words = meaningfulStems(clause);
  const groups = new Set(words.map(synonymGroup).filter((group) => group !== undefined));
  const names = nameStems(declaration.name);
  const nameGroups = new Set(names.map(synonymGroup).filter((group) => group !== undefined));
  const description = new Set(meaningfulStems(declaration.description ?? ''));
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
  for (const word of new Set(words)) if (description.has(word)) described++;
  score += Math.min(described, 3);

  const parameters = readParameters(declaration);
  const has = (pattern: RegExp) => parameters.some((parameter) => pattern.test(parameter.name));
  const hasDigits = /\d/.test(clause);
  // An expression wants a calculator: a tool with an expression parameter, or a calculating
  // tool that takes only numbers (`add(a, b)`), not `add_to_date`.
  const onlyNumbers = parameters
    .filter((parameter) => parameter.required)
    .every((parameter) => parameter.type === 'number' || parameter.type === 'integer');
  if (
    findExpression(clause) !== undefined &&
    (has(/expression|expr|formula|equation/i) || (nameGroups.has(calculateGroup) && onlyNumbers))
  ) {
    score += 4;
  }
  if (
    findUnits(clause) !== undefined &&
    nameGroups.has(convertGroup) &&
    has(/^(value|amount|quantity|number)$/i)
  ) {
    score += 4;
  }
  if (/https?:\/\//.test(clause) && has(/url|link|uri/i)) score += 4;
  // Dates in the text fit a tool with date parameters, the better the more of them it takes
  // ("between 2024-01-15 and 2024-03-01" is a span: two dates).
  const dateParameters = parameters.filter(
    (parameter) =>
      /date|time|^(from|to|start|end)$/i.test(parameter.name) &&
      !/zone/i.test(parameter.name) &&
      /date|iso ?8601/i.test(`${parameter.name} ${parameter.description}`),
  ).length;
  const dates = findDateTimes(clause).filter((token) => /\d/.test(token)).length;
  const matched = Math.min(dates, dateParameters);
  if (matched > 0) score += matched + 1;
  // "now", "today", "current": the tool that reads the present, not one that does date sums.
  // Only among tools that already fit: "Tokyo right now" is not a question about the time.
  if (
    score >= 3 &&
    /\b(now|today|current(ly)?|at the moment)\b/i.test(clause) &&
    names.includes('current')
  ) {
    score += 3;
  }
  if (globPattern.test(clause) && has(/pattern|glob/i)) score += 3;
  if (/\b[\w-]+\.[a-z][a-z0-9]{0,4}\b/i.test(clause) && has(/path|file/i)) score += 2;
  if (!hasDigits && (nameGroups.has(calculateGroup) || nameGroups.has(convertGroup))) score -= 4;
  return score;
}
