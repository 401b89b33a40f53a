import type { FunctionDeclaration } from '../../wire/request.ts';
import { extractArguments, findExpression, findPlaces, findUnits } from './extract-arguments.ts';
import { readParameters } from './read-parameters.ts';
import { meaningfulStems, nameStems, synonymGroup } from './read-words.ts';

/** A function call the demo model decided to make. @internal */
export type PlannedCall = { name: string; args: Record<string, unknown> };

/** How the request constrains calling (`toolConfig.functionCallingConfig`). @internal */
export type CallingMode = { mode: string; allowed: readonly string[] | undefined };

const THRESHOLD = 3;

/**
 * The calls a plausible agent makes for `question` with the declared tools: the question is split
 * into clauses ("weather in Paris and Tokyo, and convert 20 C to F"), each clause is matched to
 * the best tool by name, description and synonyms, and a clause that names only a place ("Tokyo")
 * repeats the previous clause's tool for it. Only declared (and allowed) tools are ever called.
 * @internal
 */
export function planDemoCalls(
  question: string,
  declarations: readonly FunctionDeclaration[],
  calling: CallingMode,
  maxCalls: number,
): PlannedCall[] {
  if (calling.mode === 'NONE' || declarations.length === 0) return [];
  const allowed =
    calling.allowed === undefined || calling.allowed.length === 0
      ? declarations
      : declarations.filter((declaration) => calling.allowed?.includes(declaration.name));
  const calls: PlannedCall[] = [];
  const add = (declaration: FunctionDeclaration, clause: string, place: string | undefined) => {
    const args = extractArguments(readParameters(declaration), { clause, place });
    const key = `${declaration.name}\u0000${JSON.stringify(args)}`;
    if (!calls.some((call) => `${call.name}\u0000${JSON.stringify(call.args)}` === key)) {
      calls.push({ name: declaration.name, args });
    }
  };
  let previous: FunctionDeclaration | undefined;
  for (const clause of splitClauses(question)) {
    const best = bestTool(clause, allowed);
    const places = findPlaces(clause);
    if (best !== undefined) {
      const placeCalls = takesPlace(best) && places.length > 1 ? places : [undefined];
      for (const place of placeCalls) add(best, clause, place);
      previous = best;
    } else if (previous !== undefined && takesPlace(previous) && places.length > 0) {
      for (const place of places) add(previous, clause, place);
    }
  }
  if (calls.length === 0 && calling.mode === 'ANY' && allowed.length > 0) {
    // ANY means the model must call something: the closest tool over the whole question.
    add(bestTool(question, allowed, 0) ?? (allowed[0] as FunctionDeclaration), question, undefined);
  }
  return calls.slice(0, maxCalls);
}

/** "A, and B; C then D?" → clauses, conjunctions dropped. @internal */
export function splitClauses(text: string): string[] {
  return text
    .split(/\s*(?:[;?!\n]|,\s|\.\s|\.$|\s(?:and|also|then|plus)\s)\s*/i)
    .map((clause) => clause.replace(/^(?:and|also|then|plus)\s+/i, '').trim())
    .filter((clause) => clause !== '');
}

function bestTool(
  clause: string,
  declarations: readonly FunctionDeclaration[],
  threshold = THRESHOLD,
): FunctionDeclaration | undefined {
  let best: FunctionDeclaration | undefined;
  let bestScore = threshold - 1;
  for (const declaration of declarations) {
    const score = scoreTool(clause, declaration);
    if (score > bestScore) {
      best = declaration;
      bestScore = score;
    }
  }
  return best;
}

function scoreTool(clause: string, declaration: FunctionDeclaration): number {
  const words = meaningfulStems(clause);
  const groups = new Set(words.map(synonymGroup).filter((group) => group !== undefined));
  const names = nameStems(declaration.name);
  const nameGroups = new Set(names.map(synonymGroup).filter((group) => group !== undefined));
  const description = new Set(meaningfulStems(declaration.description ?? ''));
  let score = 0;
  for (const name of names) if (words.includes(name)) score += 3;
  for (const group of nameGroups) if (groups.has(group)) score += 3;
  let described = 0;
  for (const word of new Set(words)) if (description.has(word)) described++;
  score += Math.min(described, 3);
  const parameters = readParameters(declaration);
  const has = (pattern: RegExp) => parameters.some((parameter) => pattern.test(parameter.name));
  if (
    findExpression(clause) !== undefined &&
    (has(/expression|expr|formula/i) || nameGroups.has(synonymGroup('calculate') ?? -1))
  ) {
    score += 4;
  }
  if (findUnits(clause) !== undefined && nameGroups.has(synonymGroup('convert') ?? -1)) score += 4;
  if (/https?:\/\//.test(clause) && has(/url|link|uri/i)) score += 4;
  return score;
}

function takesPlace(declaration: FunctionDeclaration): boolean {
  return readParameters(declaration).some((parameter) =>
    /city|location|place|country|region|destination|town|time_?zone/i.test(parameter.name),
  );
}
