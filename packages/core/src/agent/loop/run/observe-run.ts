import type { AgentInput } from '../../../run/agent-input.ts';
import type { AgentResult } from '../../../run/agent-result.ts';
import type { Redactor } from '../../../shared/client-redactor.ts';
import { scrubSecrets } from '../../../shared/scrub-secrets.ts';
import type { RunObservation } from '../../../telemetry/run-observer.ts';
import { startObservation } from '../../../telemetry/start-observation.ts';
import { createArgumentRedactor } from '../../../tools/define/argument-redactor.ts';
import type { AgentConfig } from '../../config/agent-config.ts';
import type { runObservers } from '../../run-state/run-link.ts';
import { keysOf, liveTreeKeySources } from '../../tree-keys.ts';
import type { AgentRuntime } from '../agent-runtime.ts';
import type { RunArgumentRedactor } from '../run-argument-redactor.ts';
import type { ObservedRun, RunLoop, RunLoopOptions } from './run-loop-options.ts';
import { engineOf } from './start-run.ts';

/**
 * A run its observers follow: the observation started, then the run (see {@link observeRun}).
 * `loop` is `runLoop`, given by it: this module cannot import the loop that imports it.
 * @internal
 */
export function startObserved<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  given: RunLoopOptions,
  observers: ReturnType<typeof runObservers>,
  loop: RunLoop,
): Promise<AgentResult<Output>> {
  const runId = crypto.randomUUID();
  // A run with plugins may be handed to another agent, whose secret arguments the observers
  // must not see either: its take-over widens this redactor (issue 52). The seam's engine,
  // which the plugins carry, makes it.
  const observedRedactor = engineOf(runtime.plugins, given)?.observedRedactor(
    config.tools.functions.values() as Iterable<never>,
    config.argumentRedactor as never,
    createArgumentRedactor as never,
  ) as RunArgumentRedactor | undefined;
  const options = { ...given, runId, observedRedactor };
  const observation = startObservation(
    observers,
    {
      runId,
      path: options.parent?.path ?? [],
      parentRunId: options.parent?.parentRunId,
      parentCall: options.parent?.parentCall,
      agentName: config.name,
      model: config.model,
      baseUrl: config.gemini.baseUrl,
      streaming: options.streaming,
      conversationId: options.conversationId,
      input,
      startedAt: config.now(),
    },
    observedRedactor ?? config.argumentRedactor,
    treeRedact(config, runtime),
  );
  if (observation instanceof Promise) {
    return observation.then((started) =>
      observeRun(config, runtime, input, options, started, loop),
    );
  }
  return observeRun(config, runtime, input, options, observation, loop);
}

/**
 * What observers see the run through: the client's own redaction, and the keys of the other
 * clients the run can reach (a subagent’s, a hand-off receiver’s: `treeKeysOf`), whose
 * models may write them into this run's history and events, and those of a receiver a plugin's
 * hand-off reaches (walked again when one is learned: a size check of the walk's `handedTo` sets
 * per call, one set for an agent alone). The client's own alone for a config built by hand.
 */
function treeRedact(config: AgentConfig<unknown>, runtime: AgentRuntime): Redactor {
  const own = config.modelCall.secrets?.() ?? [];
  // The keys are read when the tree is walked (a door's reader asks at each event instead).
  const walk = liveTreeKeySources(config, runtime.turnsOf);
  let sources = walk.current();
  let others = keysOf(sources).filter((key) => !own.includes(key));
  // A config built by hand learns no hand-off: its client's own redaction, as before.
  if (others.length === 0 && !walk.learns) return config.redact;
  return <T>(value: T): T => {
    // A plugin handed the run to an agent no tool names (take-over.ts records it): walked again.
    const now = walk.current();
    if (now !== sources) {
      sources = now;
      others = keysOf(now).filter((key) => !own.includes(key));
    }
    return others.length === 0 ? config.redact(value) : scrubSecrets(config.redact(value), others);
  };
}

/** The run through `runLoop` (`loop`) again, its end (result or error) told to the observation. */
function observeRun<Output>(
  config: AgentConfig<Output>,
  runtime: AgentRuntime,
  input: AgentInput,
  options: RunLoopOptions,
  observation: RunObservation | undefined,
  loop: RunLoop,
): Promise<AgentResult<Output>> {
  const observed: ObservedRun = { observation };
  const steps = loop(config, runtime, input, { ...options, observed });
  if (observation === undefined) return steps;
  return steps.then(
    (result) => {
      observation.end({ result: result as AgentResult<unknown> }, config.now());
      return result;
    },
    (error: unknown) => {
      // What this run spent, from its own tracker: an error from below (a SubagentError, a
      // TreeBudgetError) carries another run's state, or none.
      const run = observed.run;
      observation.end(
        run === undefined ? { error } : { error, usage: { ...run.usage }, cost: run.cost.total },
        config.now(),
      );
      throw error;
    },
  );
}
