import { runArgumentRedactor } from '../loop/run-argument-redactor.ts';
import { takeOver } from '../loop/take-over.ts';
import {
  afterToolCallWithPlugins,
  decideWithPlugins,
  runWithPlugins,
} from '../tool-calls/plugin-tool-call.ts';
import { wrapExecution } from '../tool-calls/wrap-execution.ts';
import { resolveModelRequests } from './model-requests/wrap-model-requests.ts';
import { agentPlaces, joinPlugins, refuseSharedNames, resolvePlugins } from './resolve-plugins.ts';
import { type PluginEngine, RunPlugins } from './run-plugins.ts';

/**
 * The seam's implementation, which `definePlugin` puts on every plugin it makes: the loop reaches
 * it only through the plugins a run has, so an app without plugins does not bundle it (11 KB
 * minified, ~4 KB gzip, bench/src/bundle-size/per-file.ts). @internal
 */
export const pluginEngine: PluginEngine = {
  resolve: (plugins, argument, options, added) =>
    resolvePlugins(pluginEngine, plugins, argument, options && agentPlaces(options, added)),
  join: (agent, inherited, own) => joinPlugins(pluginEngine, agent, inherited, own),
  start: (resolved, facts) => {
    // A companion (`AgentPlugin.companions`) may share a name with a plugin of another level.
    if (resolved.plugins.some((plugin) => plugin.companions !== undefined))
      refuseSharedNames(resolved.plugins);
    return new RunPlugins(resolved, facts);
  },
  decide: decideWithPlugins as PluginEngine['decide'],
  runCall: runWithPlugins as PluginEngine['runCall'],
  afterCall: afterToolCallWithPlugins as PluginEngine['afterCall'],
  wrapExecution: wrapExecution as PluginEngine['wrapExecution'],
  requests: resolveModelRequests,
  takeOver: takeOver as PluginEngine['takeOver'],
  observedRedactor: runArgumentRedactor as PluginEngine['observedRedactor'],
};
