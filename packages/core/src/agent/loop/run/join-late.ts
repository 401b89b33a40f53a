import { freezeModelContent } from '../../../history/freeze-model-content.ts';
import type {
  LatePlugins,
  PluginRunFacts,
  ResolvedPlugins,
  RunPlugins,
} from '../../plugins/run-plugins.ts';
import type { RunContext } from '../../run-state/run-context.ts';
import type { Holding } from './hand-off.ts';

/**
 * What a run needs to let plugins join while it runs (a stream's steering), when they may:
 * `late.holding` then reads the run's steps and its signal.
 * @internal
 */
export function joiningOf(
  late: LatePlugins | undefined,
  holding: Holding,
  facts: PluginRunFacts,
  resolved: ResolvedPlugins | undefined,
): Joining | undefined {
  if (late === undefined) return undefined;
  late.holding = holding;
  return {
    late,
    holding,
    start: (joined) => joined.engine.start(joined, facts),
    started: undefined,
    resolved,
  };
}

/** What a run needs to let plugins join while it runs (see {@link LatePlugins}). @internal */
export type Joining = {
  readonly late: LatePlugins;
  readonly holding: Holding;
  /** The run's plugins made from the first that join, when it had none. */
  readonly start: (resolved: ResolvedPlugins) => RunPlugins;
  /** Those plugins, once made: their `endRun` runs however the run ends. */
  started: RunPlugins | undefined;
  /**
   * The run's own plugins as resolved: when it started none (they add nothing, see
   * `ResolvedPlugins.idle`), those that join late join them (`run.plugins` lists them all, and a
   * hand-off replaces the agent's among them).
   */
  readonly resolved: ResolvedPlugins | undefined;
};

/**
 * The end of a failed run without plugins of its own that plugins may join: the ones that joined
 * end with it (`endRun` with its error), and none joins after it. Rethrows the run's error.
 * @internal
 */
export async function endJoinedLate(
  joining: Joining,
  error: unknown,
  logger: { warn(fields: object, message: string): void },
): Promise<never> {
  joining.late.closed = true;
  try {
    // Joined now, to end: what they held is reported with the run's error.
    const plugins = await joinLate(joining, undefined);
    const failed = await plugins?.endRun(error);
    if (failed !== undefined)
      logger.warn({ err: failed }, 'a plugin failed in endRun after the run failed');
  } catch (failed) {
    logger.warn({ err: failed }, 'a plugin failed to join a run that failed');
  }
  throw error;
}

/**
 * The plugins waiting to join (`late.joining`) joined to the run's: to its plugins, or as its
 * plugins when it had none. Returns the run's plugins after it (`current` when none joined).
 * @internal
 */
export async function joinLate(
  joining: Joining,
  current: RunPlugins | undefined,
): Promise<RunPlugins | undefined> {
  const waiting = joining.late.joining;
  // Nothing waits: the plugins that joined before (a failed run ends them).
  if (waiting === undefined) return current ?? joining.started;
  joining.late.joining = undefined;
  const added = await waiting;
  const plugins = current ?? joining.started;
  if (plugins !== undefined) {
    await plugins.join(added);
    return plugins;
  }
  // None started: the run's plugins, if any, add nothing (`ResolvedPlugins.idle`); they join too.
  if (joining.resolved?.idle === true) {
    const started = joining.start(joining.resolved);
    joining.started = started;
    await started.join(added);
    return started;
  }
  const engine = (added[0] as { gemloopPluginEngine?: RunPlugins['engine'] } | undefined)
    ?.gemloopPluginEngine;
  const resolved = engine?.resolve(added);
  if (resolved === undefined) return current;
  // Plugins of the run's own, not its agent's: a hand-off keeps them.
  const started = joining.start({ ...resolved, agentPlugins: [] });
  joining.started = started;
  await started.startRun();
  started.wrapArriving(added);
  return started;
}

/** The context with the plugins that joined, when some did. @internal */
export async function withJoined<Output>(
  context: RunContext<Output>,
  joining: Joining | undefined,
): Promise<RunContext<Output>> {
  if (joining?.late.joining === undefined) return context;
  const plugins = await joinLate(joining, context.plugins);
  // The first plugins of a run that had none: the model's turns it made were not frozen (see
  // `recordStep`); they are now, before a hook is handed them. The history it was given stays the
  // caller's, as it was before any freeze.
  if (context.plugins === undefined && plugins !== undefined) {
    for (const step of context.run.steps)
      if (step.content !== undefined) freezeModelContent(step.content);
  }
  // The run's events through the plugins' `wrapEvents` once one that joined wraps them.
  const events = plugins?.events;
  const rerouted = events !== undefined && events.emit !== context.emit;
  if (plugins === context.plugins && !rerouted) return context;
  const joined = rerouted
    ? { ...context, plugins, emit: events.emit, link: { ...context.link, sink: events.sink } }
    : { ...context, plugins };
  joining.holding.context = joined as RunContext<unknown>;
  return joined;
}
