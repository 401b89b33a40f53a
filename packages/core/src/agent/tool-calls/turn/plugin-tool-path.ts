import { GemloopError } from '../../../errors/gemloop-error.ts';
import type { PluginError } from '../../plugins/plugin-error.ts';
import type { RunPlugins } from '../../plugins/run-plugins.ts';
import type {
  afterToolCallWithPlugins,
  decideWithPlugins,
  runWithPlugins as runCallWithPlugins,
} from '../plugin-tool-call.ts';

/** The tool path of the seam's implementation, as typed here (`PluginEngine` leaves it opaque). @internal */
export type PluginToolPath = {
  decide: typeof decideWithPlugins;
  runCall: typeof runCallWithPlugins;
  afterCall: typeof afterToolCallWithPlugins;
};

/** The tool path of the run's plugins' engine (carried by the plugins, see `PluginEngine`). @internal */
export function toolPathOf(plugins: RunPlugins): PluginToolPath {
  return plugins.engine as unknown as PluginToolPath;
}

/**
 * Whether a hook-failed outcome holds a plugin's failure (`PluginError`), asked by its code so
 * the tool path does not load the seam's implementation (it comes with the plugins).
 * @internal
 */
export function isPluginError(error: unknown): error is PluginError {
  return (
    GemloopError.isInstance(error) &&
    error.code === 'plugin' &&
    typeof (error as Partial<PluginError>).withRun === 'function'
  );
}

/** Whether the turn's calls go through the plugins' tool path. @internal */
export function throughPlugins(plugins: RunPlugins | undefined): plugins is RunPlugins {
  // A plugin ended the run (every call of the turn answered "not run"), or one has tool hooks.
  return plugins !== undefined && (plugins.aroundToolCalls || plugins.stop !== undefined);
}
