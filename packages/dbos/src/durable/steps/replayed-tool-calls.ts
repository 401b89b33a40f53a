import { DBOS } from '@dbos-inc/dbos-sdk';
import type { GenerateContentRequest, GenerateContentResponse } from '@gemloop/core/wire';
import { DurableReplayMismatchError } from '../../errors/durable-replay-mismatch-error.ts';
import { quoteId } from '../../errors/quote-id.ts';

/**
 * What a model step that answered with function calls records beside the response: its DBOS step
 * id and the called names its request did not declare (a model may call a name it was not
 * given). A replay compares the response's calls with the tools of the request it makes now.
 * @internal
 */
export type RecordedCalls = { step: number; undeclared: string[] };

/** The functions a request declares, by name. @internal */
export function declaredFunctions(request: GenerateContentRequest): Set<string> {
  const names = new Set<string>();
  for (const tool of request.tools ?? []) {
    for (const declaration of tool.functionDeclarations ?? []) names.add(declaration.name);
  }
  return names;
}

/** The names of the functions a response (or a stream's chunks) calls. @internal */
export function calledFunctions(
  response: GenerateContentResponse | readonly GenerateContentResponse[],
): string[] {
  const names: string[] = [];
  for (const chunk of Array.isArray(response) ? response : [response]) {
    for (const candidate of (chunk as GenerateContentResponse).candidates ?? []) {
      for (const part of candidate.content?.parts ?? []) {
        // Either spelling: a gateway may answer `function_call` (the loop reads it as the same).
        const fields = part as {
          functionCall?: { name?: unknown };
          function_call?: typeof fields.functionCall;
        };
        const name = (fields.functionCall ?? fields.function_call)?.name;
        if (typeof name === 'string') names.push(name);
      }
    }
  }
  return names;
}

/**
 * Throws when a replayed model step calls a function its recorded request declared and the
 * request made now does not: the run was recorded by code whose agent had that tool (a deploy
 * between a crash and the recovery renamed or removed it). Going on, the model would be told the
 * tool it called does not exist, about a call that may have been running when the worker died.
 * @internal
 */
export function checkReplayedCalls({
  name,
  declared,
  called,
  recorded,
}: {
  name: string;
  declared: ReadonlySet<string>;
  called: readonly string[];
  recorded: RecordedCalls;
}): void {
  const missing = [
    ...new Set(called.filter((each) => !declared.has(each) && !recorded.undeclared.includes(each))),
  ];
  if (missing.length === 0) return;
  const runId = DBOS.workflowID ?? '?';
  const tools = [...declared];
  const list = missing.map((each) => `"${each}"`).join(', ');
  throw new DurableReplayMismatchError({
    message: `Run ${quoteId(runId)} was recorded calling ${list} (its model step ${recorded.step}), and this worker's agent has no tool of that name (it has ${tools.length === 0 ? 'none' : tools.join(', ')}). The run was recorded by other code (a tool renamed or removed since); it ends here instead of telling the model the tool does not exist. Finish or cancel such runs before deploying the change, or give the new code another applicationVersion.`,
    runId,
    stepId: recorded.step,
    expectedStep: `${name} (tools: ${tools.join(', ')})`,
    recordedStep: `${name} calling ${missing.join(', ')}`,
  });
}
