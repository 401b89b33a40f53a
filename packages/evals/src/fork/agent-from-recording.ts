import {
  type Agent,
  type AgentOptions,
  createAgent,
  type Gemini,
  InvalidArgumentError,
} from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';
import type { RunObserver, TelemetryOptions } from '@gemloop/core/telemetry';
import type { AnyTool, BuiltinTool, FunctionTool } from '@gemloop/core/tools';
import type { Content, FunctionDeclaration, GenerateContentBody } from '@gemloop/core/wire';
import type { EvalCase } from '../eval-case.ts';
import { recordedToolLookup } from '../replay/recorded-tool-lookup.ts';
import type { ForkChange } from './fork-change.ts';

/** Options of {@link agentFromRecording}. */
export type AgentFromRecordingOptions = {
  /** The client the agent talks to. */
  gemini: Gemini;
  /**
   * Which recorded request (0-based) the agent is read from: the system instruction, tools and
   * model it sent then. @defaultValue 0
   */
  request?: number | undefined;
  /** What to change from the recorded agent. @defaultValue nothing */
  change?: ForkChange | undefined;
  /**
   * Tools to run for real, by name, instead of replaying their recorded results (their recorded
   * declaration is still the one sent, unless `change.toolDescriptions` says otherwise).
   */
  liveTools?: readonly AnyTool[] | undefined;
  /**
   * Observes the agent's runs (`createRunRecorder()`, an OpenTelemetry observer): the rebuilt agent
   * is a plain agent, recorded and traced as any. @defaultValue none
   */
  recorder?: RunObserver | undefined;
  /** The agent's OpenTelemetry settings. @defaultValue off */
  telemetry?: TelemetryOptions | undefined;
  /** The most model calls of the agent's loop. @defaultValue 10 more than the recorded ones */
  maxSteps?: number | undefined;
};

/**
 * The agent a recorded run's request describes, rebuilt without its code: the model, system
 * instruction, generation config and tool declarations it sent (verbatim, so a replay sends the
 * same bytes), each function tool answering with the result recorded for the same name and
 * arguments (a tool of `liveTools` runs instead). A call the recording has no result for is
 * answered with an error saying so, which the model sees as a failed tool call. A handoff tool
 * (`transfer_to_<name>`) the recorded run called hands the run to the agent its next request
 * describes, rebuilt the same way (with `change.model` only), so a run that changed agents replays
 * whole. What `gemloop replay` forks when it is given only a run file.
 *
 * @throws {@link InvalidArgumentError} for a case without recorded requests.
 */
export function agentFromRecording(
  recording: EvalCase,
  options: AgentFromRecordingOptions,
): Agent<unknown> {
  return rebuildAgent(recording, options, new Map());
}

/**
 * {@link agentFromRecording} with the receivers rebuilt so far, by request: a receiver two
 * handoffs reach is one agent. Rebuilt once per path instead, a hand-edited recording whose 40
 * requests each hand off twice to the next made 2^40 agents (the replay hung).
 */
function rebuildAgent(
  recording: EvalCase,
  options: AgentFromRecordingOptions,
  receivers: Map<number, Agent<unknown>>,
): Agent<unknown> {
  const requests = recording.fixtures?.requests ?? [];
  const index = Math.min(options.request ?? 0, requests.length - 1);
  const request = requests[index] as (GenerateContentBody & { model?: unknown }) | undefined;
  if (request === undefined) {
    throw new InvalidArgumentError({
      argument: 'recording',
      message: `case '${recording.id}' has no recorded requests to rebuild its agent from: make it with caseFromRunFile from a run file.`,
    });
  }
  const change = options.change ?? {};
  const recordedModel =
    typeof request.model === 'string' ? request.model : recording.fixtures?.model;
  const model = change.model ?? recordedModel?.replace(/^models\//, '');
  if (model === undefined) {
    throw new InvalidArgumentError({
      argument: 'recording',
      message: `case '${recording.id}': neither the recorded request nor the run names a model; give change.model.`,
    });
  }
  const live = new Map<string, AnyTool>();
  for (const tool of options.liveTools ?? []) {
    if (tool.kind === 'function') live.set(tool.name, tool);
  }
  const tools = recordedTools(recording, request, { change, live, index, options, receivers });
  const instructions = change.instructions ?? (request.systemInstruction as Content | undefined);
  const generationConfig = request.generationConfig;
  const toolChoice = recordedToolChoice(request);
  const retrievalConfig = (request.toolConfig as { retrievalConfig?: unknown } | undefined)
    ?.retrievalConfig;
  const name = agentNameOf(recording, index);
  return createAgent({
    gemini: options.gemini,
    model,
    ...(name === undefined ? {} : { name }),
    ...(instructions === undefined ? {} : { instructions }),
    ...(tools.length === 0 ? {} : { tools }),
    ...(generationConfig === undefined ? {} : { generationConfig }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(retrievalConfig === undefined ? {} : ({ retrievalConfig } as AgentOptions<undefined>)),
    maxSteps: options.maxSteps ?? (recording.fixtures?.modelResponses.length ?? 0) + 10,
    telemetry: options.telemetry ?? false,
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
  }) as Agent<unknown>;
}

/** The tools of a recorded request: function declarations kept verbatim, built-ins as sent. */
function recordedTools(
  recording: EvalCase,
  request: GenerateContentBody,
  {
    change,
    live,
    index,
    options,
    receivers,
  }: {
    change: ForkChange;
    live: ReadonlyMap<string, AnyTool>;
    index: number;
    options: AgentFromRecordingOptions;
    receivers: Map<number, Agent<unknown>>;
  },
): AnyTool[] {
  // Every receiver gets the same change (the model only), so one agent serves each request.
  const receiverAt = (at: number): Agent<unknown> => {
    let agent = receivers.get(at);
    if (agent === undefined) {
      agent = rebuildAgent(
        recording,
        {
          ...options,
          request: at,
          change: change.model === undefined ? {} : { model: change.model },
        },
        receivers,
      );
      receivers.set(at, agent);
    }
    return agent;
  };
  const tools: AnyTool[] = [];
  for (const entry of (request.tools ?? []) as Record<string, unknown>[]) {
    const declarations = entry['functionDeclarations'];
    if (Array.isArray(declarations)) {
      for (const declaration of declarations as FunctionDeclaration[]) {
        const receiver = handoffReceiver(recording, declaration.name, index);
        tools.push(
          receiver === undefined
            ? replayedTool(recording, declaration, change, live.get(declaration.name))
            : handoff(receiverAt(receiver.request), {
                name: receiver.name,
                ...(declaration.description === undefined
                  ? {}
                  : { description: declaration.description }),
              }),
        );
      }
      continue;
    }
    const [type] = Object.keys(entry);
    if (type !== undefined) {
      tools.push({ kind: 'builtin', type, tool: entry } as unknown as BuiltinTool);
    }
  }
  return tools;
}

function replayedTool(
  recording: EvalCase,
  recorded: FunctionDeclaration,
  change: ForkChange,
  live: AnyTool | undefined,
): FunctionTool<unknown, unknown> {
  // Own keys only: a tool named `constructor` or `toString` would read Object's own member.
  const descriptions = change.toolDescriptions ?? {};
  const description = Object.hasOwn(descriptions, recorded.name)
    ? descriptions[recorded.name]
    : undefined;
  const declaration: FunctionDeclaration =
    description === undefined ? recorded : { ...recorded, description };
  const runs = live?.kind === 'function' ? live : undefined;
  // Built once per tool and grouped on its first call: a search per call was quadratic.
  const recordedOutput = recordedToolLookup(recording, recorded.name);
  return {
    kind: 'function',
    name: recorded.name,
    description: declaration.description,
    declaration,
    ...(runs?.secretArguments === undefined ? {} : { secretArguments: runs.secretArguments }),
    // What an agent's run reads to await the live tool's schema libraries and pattern analysis
    // before the first request (parseArgs below is the live tool's, which needs them).
    ...(runs === undefined ? {} : schemaLoadFieldsOf(runs)),
    parseArgs: (args) =>
      runs === undefined ? { success: true, value: args } : runs.parseArgs(args),
    execute: (args, context) => {
      if (runs !== undefined) return runs.execute(args, context);
      const found = recordedOutput(recorded.name, args);
      if (found.found) return found.output;
      throw new Error(
        `the recording has no result of ${recorded.name} for these arguments (the fork called it differently): re-execute the tool to answer it`,
      );
    },
  };
}

/**
 * A `defineTool` tool's fields that say what its parseArgs needs loaded (absent on others),
 * its pattern check among them (not enumerable on the tool, so read by name).
 */
function schemaLoadFieldsOf(tool: AnyTool): Record<string, unknown> {
  const { parametersSource, inputSchema, allowUnsafePatterns, patternCheck } = tool as {
    parametersSource?: unknown;
    inputSchema?: unknown;
    allowUnsafePatterns?: unknown;
    patternCheck?: unknown;
  };
  if (parametersSource === undefined) return {};
  return {
    parametersSource,
    inputSchema,
    ...(allowUnsafePatterns === true ? { allowUnsafePatterns } : {}),
    ...(patternCheck === undefined ? {} : { patternCheck }),
  };
}

/**
 * The recorded `toolConfig.functionCallingConfig` as the agent's `toolChoice` (which sends it
 * back the same), or `undefined` when none was sent.
 */
function recordedToolChoice(request: GenerateContentBody): AgentOptions<undefined>['toolChoice'] {
  const config = (request.toolConfig as { functionCallingConfig?: unknown } | undefined)
    ?.functionCallingConfig as { mode?: unknown; allowedFunctionNames?: unknown } | undefined;
  if (typeof config?.mode !== 'string') return undefined;
  const names = config.allowedFunctionNames;
  if (Array.isArray(names) && (config.mode === 'ANY' || config.mode === 'VALIDATED')) {
    return {
      mode: config.mode,
      allowedFunctionNames: names.filter((name) => typeof name === 'string'),
    };
  }
  return config.mode as AgentOptions<undefined>['toolChoice'];
}

const TRANSFER = /^transfer_to_(.+)$/;

/**
 * The agent a recorded handoff tool handed the run to: the first answer after request `index`
 * that called `tool`, whose next request is the receiving agent's. `undefined` for a tool that is
 * not a handoff, or one the recording never called (it replays as a plain tool). The request
 * found is always later than `index`, so rebuilding the receiver ends.
 */
function handoffReceiver(
  recording: EvalCase,
  tool: string,
  index: number,
): { name: string; request: number } | undefined {
  const name = TRANSFER.exec(tool)?.[1];
  if (name === undefined) return undefined;
  const responses = recording.fixtures?.modelResponses ?? [];
  const requests = recording.fixtures?.requests ?? [];
  for (let call = index; call < responses.length - 1 && call + 1 < requests.length; call++) {
    const parts = responses[call]?.candidates?.[0]?.content?.parts ?? [];
    if (parts.some((part) => part.functionCall?.name === tool)) {
      return { name, request: call + 1 };
    }
  }
  return undefined;
}

/**
 * The name the agent of request `index` had, when a recorded handoff names it (a receiver must
 * have one): the `transfer_to_<name>` call answered just before it.
 */
function agentNameOf(recording: EvalCase, index: number): string | undefined {
  if (index === 0) return undefined;
  const parts =
    recording.fixtures?.modelResponses[index - 1]?.candidates?.[0]?.content?.parts ?? [];
  for (const part of parts) {
    const name = TRANSFER.exec(part.functionCall?.name ?? '')?.[1];
    if (name !== undefined) return name;
  }
  return undefined;
}
