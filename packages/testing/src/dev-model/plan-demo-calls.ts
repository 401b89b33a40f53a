import type { FunctionDeclaration } from '@gemloop/core/wire';
import { extractArguments } from './extract-arguments.ts';
import { findPlaceMentions, type PlaceMention } from './find-places.ts';
import { type DemoParameter, readParameters } from './read-parameters.ts';
import { readClauseFeatures, scoreTool } from './score-tool.ts';
import { type Clause, splitClauses } from './split-clauses.ts';

/** A function call the demo model decided to make. @internal */
export type PlannedCall = { name: string; args: Record<string, unknown> };

/** How the request constrains calling (`toolConfig.functionCallingConfig`). @internal */
export type CallingMode = { mode: string; allowed: readonly string[] | undefined };

/** The plan: the calls, or the tool that would fit but needs a place the user did not name. @internal */
export type DemoPlan = { calls: PlannedCall[]; missingPlace: FunctionDeclaration | undefined };

const THRESHOLD = 3;
const placeName = /city|location|place|country|region|destination|town|address|area/i;
const zoneName = /time_?zone|^tz$|zone$/i;

/** A call to make: a tool, the clause it came from, and its place when it fans out per place. */
type Slot = { declaration: FunctionDeclaration; clause: string; place: string | undefined };

/**
 * The calls a plausible agent makes for `question` with the declared tools. The question is
 * split into clauses; each clause is matched to the best tool by name, description, synonyms and
 * the values it holds (an expression, units, a URL, a date). A tool with one place parameter is
 * called once per place, and places in clauses of their own join the tool of a neighbouring
 * clause: "Paris, Tokyo and New York weather" and "weather in Paris and Tokyo" both give one call
 * per city; "... and what time is it there?" reuses the places already named. Only declared (and
 * allowed) tools are ever called; a tool that needs a place nobody named is not called.
 * @internal
 */
export function planDemoCalls(
  question: string,
  declarations: readonly FunctionDeclaration[],
  calling: CallingMode,
  maxCalls: number,
  followUpTools: readonly string[] = [],
): DemoPlan {
  if (calling.mode === 'NONE' || declarations.length === 0) {
    return { calls: [], missingPlace: undefined };
  }
  const allowed =
    calling.allowed === undefined || calling.allowed.length === 0
      ? declarations
      : declarations.filter((declaration) => calling.allowed?.includes(declaration.name));
  const mentions = findPlaceMentions(question);
  const slots: Slot[] = [];
  // A follow-up ("and in Tokyo?", "what about Lima") continues the tool of the last turn.
  const carried = allowed.find(
    (declaration) => followUpTools.includes(declaration.name) && fansOut(declaration),
  );
  let previous: { declaration: FunctionDeclaration; open: Slot | undefined } | undefined =
    carried === undefined || !isFollowUp(question)
      ? undefined
      : { declaration: carried, open: undefined };
  let pending: string[] = [];
  let named: string[] = [];
  for (const clause of splitClauses(question)) {
    const places = placesIn(mentions, clause);
    const best = bestTool(clause.text, allowed);
    if (best !== undefined && fansOut(best)) {
      const waiting = [...pending, ...places];
      const own = waiting.length > 0 ? waiting : named;
      pending = [];
      if (own.length === 0) {
        const open: Slot = { declaration: best, clause: clause.text, place: undefined };
        slots.push(open);
        previous = { declaration: best, open };
      } else {
        for (const place of own) slots.push({ declaration: best, clause: clause.text, place });
        previous = { declaration: best, open: undefined };
      }
    } else if (best !== undefined) {
      slots.push({ declaration: best, clause: clause.text, place: undefined });
      previous = { declaration: best, open: undefined };
    } else if (places.length > 0 && previous !== undefined && fansOut(previous.declaration)) {
      // "Weather in Paris and Tokyo": "Tokyo" continues the previous clause's tool.
      const rest = [...places];
      if (previous.open !== undefined) previous.open.place = rest.shift();
      previous.open = undefined;
      for (const place of rest) {
        slots.push({ declaration: previous.declaration, clause: clause.text, place });
      }
    } else if (places.length > 0) {
      // "Paris, Tokyo and New York weather": waits for the tool of a later clause.
      pending.push(...places);
    }
    if (places.length > 0) named = places;
  }

  const calls: PlannedCall[] = [];
  let missingPlace: FunctionDeclaration | undefined;
  const add = (declaration: FunctionDeclaration, clause: string, place: string | undefined) => {
    const args = extractArguments(readParameters(declaration), { clause, place });
    const key = `${declaration.name}\u0000${JSON.stringify(args)}`;
    if (!calls.some((call) => `${call.name}\u0000${JSON.stringify(call.args)}` === key)) {
      calls.push({ name: declaration.name, args });
    }
  };
  for (const slot of slots) {
    if (slot.place === undefined && needsPlace(slot.declaration) && calling.mode !== 'ANY') {
      // A real model would ask which city; so does the demo, unless nothing else is asked.
      missingPlace ??= slot.declaration;
      continue;
    }
    add(slot.declaration, slot.clause, slot.place);
  }
  if (calls.length === 0 && calling.mode === 'ANY' && allowed.length > 0) {
    // ANY means the model must call something: the closest tool over the whole question.
    add(bestTool(question, allowed, 0) ?? (allowed[0] as FunctionDeclaration), question, undefined);
  }
  return {
    calls: calls.slice(0, maxCalls),
    missingPlace: calls.length > 0 ? undefined : missingPlace,
  };
}

/** "and in Tokyo?", "What about Lima?", "for Oslo": a question that only adds to the last one. */
function isFollowUp(question: string): boolean {
  return (
    /^\s*(?:and|what about|how about|same for|also)\b/i.test(question) ||
    /^\s*(?:in|for|at)\s+\p{Lu}/u.test(question)
  );
}

function placesIn(mentions: readonly PlaceMention[], clause: Clause): string[] {
  return (
    mentions
      // By where the name starts: "Paris, France" belongs to the clause that says "Paris".
      .filter((mention) => mention.start >= clause.start && mention.start < clause.end)
      .map((mention) => mention.name)
  );
}

function bestTool(
  clause: string,
  declarations: readonly FunctionDeclaration[],
  threshold = THRESHOLD,
): FunctionDeclaration | undefined {
  let best: FunctionDeclaration | undefined;
  let bestScore = threshold - 1;
  const features = readClauseFeatures(clause);
  for (const declaration of declarations) {
    const score = scoreTool(features, declaration);
    if (score > bestScore) {
      best = declaration;
      bestScore = score;
    }
  }
  return best;
}

function placeParameters(declaration: FunctionDeclaration): DemoParameter[] {
  return readParameters(declaration).filter(
    (parameter) =>
      parameter.type === 'string' &&
      (placeName.test(parameter.name) || zoneName.test(parameter.name)),
  );
}

/** One place parameter: one call per place ("weather in Paris and Tokyo" → two calls). */
function fansOut(declaration: FunctionDeclaration): boolean {
  return placeParameters(declaration).length === 1;
}

function needsPlace(declaration: FunctionDeclaration): boolean {
  return placeParameters(declaration).some(
    (parameter) => parameter.required && placeName.test(parameter.name),
  );
}
