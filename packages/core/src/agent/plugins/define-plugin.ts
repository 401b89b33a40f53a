import type { AgentPlugin } from './agent-plugin.ts';
import { pluginEngine } from './plugin-engine.ts';
import { ENGINE_KEY } from './plugin-engine-of.ts';

/**
 * Declares a plugin, with its state's type inferred from `startRun`. `createAgent`, `run` and
 * `createChatSession` take only plugins made here: the plugin carries the seam's implementation
 * (so an app without plugins never bundles it), as `guardrails()` carries its checks.
 *
 * @example
 * ```ts
 * const countCalls = definePlugin({
 *   name: 'count-calls',
 *   startRun: () => ({ calls: 0 }),
 *   beforeToolCall: (_call, run) => { run.state.calls++; },
 *   endRun: (run) => console.log(run.state.calls, 'calls'),
 * });
 * createAgent({ gemini, model, tools, plugins: [countCalls] });
 * ```
 */
export function definePlugin<State = undefined>(plugin: AgentPlugin<State>): AgentPlugin<State> {
  const made = { ...plugin };
  // Not enumerable: a copy or a JSON view of the plugin shows only what the user wrote.
  Object.defineProperty(made, ENGINE_KEY, { value: pluginEngine, enumerable: false });
  return made;
}
