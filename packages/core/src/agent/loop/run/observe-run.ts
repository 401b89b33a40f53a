import type { AgentInput } from '../../../run/agent-input.ts';
import type { AgentResult } from '../../../run/agent-result.ts';
import type { Redactor } from '../../../shared/client-redactor.ts';
import { type HeldText, scrubSecrets } from '../../../shared/scrub-secrets.ts';
import type { RunObservation } from '../../../telemetry/run-observer.ts';
import { startObservation } from '../../../telemetry/start-observation.ts';
import { createArgumentRedactor } from '../../../tools/define/argument-redactor.ts';
import type { AgentConfig } from '../../config/agent-config.ts';
import { pluginEngineOf } from '../../plugins/plugin-engine-of.ts';
import type { RunPlugins } from '../../plugins/run-plugins.ts';
import type { runObservers } from '../../run-state/run-link.ts';
import { keysOf, treeKeySources } from '../../tree-keys.ts';
import type { AgentRuntime } from '../agent-runtime.ts';
import type { RunArgumentRedactor } from '../run-argument-redactor.ts';
import type { ObservedRun, RunLoop, RunLoopOptions } from './run-loop-options.ts';

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
    treeRedact(config, runtime, given.plugins as readonly object[] | undefined),
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
 * clients the run can reach (a subagent’s, a receiver's its plugins or the run's own declare:
 * `treeKeysOf`), whose models may write them into this run's history and events. The client's
 * own alone when the tree reaches no other key.
 */
function treeRedact(
  config: AgentConfig<unknown>,
  runtime: AgentRuntime,
  plugins: readonly object[] | undefined,
): Redactor {
  const own = config.modelCall.secrets?.() ?? [];
  // The keys are read when the tree is walked (a door's reader asks at each event instead).
  const others = keysOf(treeKeySources(config, runtime.turnsOf, plugins)).filter(
    (key) => !own.includes(key),
  );
  if (others.length === 0) return config.redact;
  // `held` to both: each keeps its own texts found clean in the run's memo, by its own list.
  return <T>(value: T, held?: HeldText): T =>
    scrubSecrets(config.redact(value, held), others, undefined, held);
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

/**
 * The seam's implementation, which makes a run's widening redactor: it comes with the plugins
 * (definePlugin); none: nothing is loaded. Here, with the observation (loaded with the first observed
 * run), not in start-run.ts: the default agent's bundle does not carry it.
 */
function engineOf(
  agent: AgentRuntime['plugins'],
  { plugins, parent }: RunLoopOptions,
): RunPlugins['engine'] | undefined {
  return (
    // Idle plugins never hand the run off: no redactor to widen for them.
    (agent?.idle === true ? undefined : agent?.engine) ??
    pluginEngineOf(plugins, 'options.plugins') ??
    pluginEngineOf(parent?.plugins, 'plugins')
  );
}
