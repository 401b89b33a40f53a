import { safeParseArgs } from '../agent/tool-calls/decide-tool-call.ts';
import { safeToolErrorMessage } from '../agent/tool-calls/safe-tool-error-message.ts';
import type { Logger } from '../logging/logger.ts';
import type { Redactor } from '../shared/client-redactor.ts';
import { toFunctionResponse } from '../tools/responses/to-function-response.ts';
import { toolErrorResponse } from '../tools/responses/tool-error-response.ts';
import type { AnyTool, FunctionTool } from '../tools/tool.ts';
import type { Content, FunctionCall, Part } from '../wire/content.ts';

/**
 * Runs the function calls of one model turn (in parallel, answers in call order) and returns the
 * user turn that answers them: each result through `toFunctionResponse` (media kept, `fileData`
 * moved after the responses on the Gemini API), each failure (unknown tool, bad arguments, a
 * throw, in `safeToolErrorMessage`'s words) as `toolErrorResponse`, so the model can correct
 * itself in the next round, as the agent loop does by default.
 * @internal
 */
export async function executeBatchTools(options: {
  calls: readonly FunctionCall[];
  tools: ReadonlyMap<string, FunctionTool>;
  contents: readonly Content[];
  step: number;
  key: string;
  signal: AbortSignal;
  fileDataInResponses: boolean;
  /**
   * The client's redactor (`ModelCallEntry.redact`): what a tool throws goes to the model, the
   * next round's batch and the saved state, and a tool calling a Google API with the same key
   * may quote it, as the agent's tools' failures are scrubbed (settle-turn-call.ts).
   */
  redact: Redactor;
  /** The job's logger (`createBatchRuns({ logger })`), each tool's context `logger`. */
  logger: Logger;
}): Promise<Content> {
  const { calls, tools, contents, step, key, signal } = options;
  const answers = await Promise.all(
    calls.map(async (call, index): Promise<{ response: Part; extra: Part[] }> => {
      const name = call.name ?? '';
      const tool = tools.get(name);
      const id = call.id;
      if (tool === undefined) {
        return {
          response: {
            functionResponse: toolErrorResponse({ name, id, error: `Unknown tool '${name}'.` }),
          },
          extra: [],
        };
      }
      // As the agent does: a check that throws (a transform that parses what the model sent) is
      // that call's argument issue. Thrown, it rejected the whole step, for every run of the round.
      const parsed = safeParseArgs(tool as FunctionTool<unknown, unknown>, call.args ?? {});
      if (!parsed.success) {
        return {
          response: {
            // A schema whose transform threw (a lookup upstream) may quote the key as well.
            functionResponse: toolErrorResponse({
              name,
              id,
              issues: options.redact(parsed.issues),
            }),
          },
          extra: [],
        };
      }
      try {
        const result = await tool.execute(parsed.value, {
          signal,
          toolCallId: id ?? `${key}-${step}-${index}`,
          step,
          callIndex: index,
          logger: options.logger,
          contents,
        });
        const answer = toFunctionResponse({
          name,
          id,
          result,
          fileDataInResponses: options.fileDataInResponses,
        });
        return {
          response: { functionResponse: answer.functionResponse },
          extra: answer.extraParts,
        };
      } catch (error) {
        return {
          response: {
            // The agent's default words for a throw (issue 32): class and message, no URL, path
            // or address, cut at 1,000 characters; each later round sends them again.
            functionResponse: toolErrorResponse({
              name,
              id,
              error: safeToolErrorMessage(name, options.redact(error)),
            }),
          },
          extra: [],
        };
      }
    }),
  );
  return {
    role: 'user',
    parts: [
      ...answers.map((answer) => answer.response),
      ...answers.flatMap((answer) => answer.extra),
    ],
  };
}

/** The function tools by name. @internal */
export function functionTools(tools: readonly AnyTool[]): Map<string, FunctionTool> {
  const byName = new Map<string, FunctionTool>();
  for (const tool of tools) if (tool.kind === 'function') byName.set(tool.name, tool);
  return byName;
}
