import type { AgentPlugin, PluginRun } from '@gemloop/core/plugins';
import { definePlugin } from '@gemloop/core/plugins';

/**
 * A tool policy given at several levels, written with public imports only (issue 53, stage 3 of
 * the guardrails): the shape the built-in guardrails take. Each `toolPolicy()` is a hook-less
 * plugin that carries one level's rule; a parent's level reaches its subagents (`inherit`), a
 * run's own level (`run(input, { plugins })`) joins after the agent's, and a hand-off swaps the
 * agent's for the receiving agent's (the seam's order of `run.plugins`). Every level brings one
 * companion, the enforcer, which the seam places last among the run's plugins, once: it walks
 * the levels in the run's order (handed down first) and the first that forbids a call denies it,
 * reported as a `guardrail` event (`run.reportCheck`) the stream, spans and recorder show.
 */
export type ToolPolicy = {
  /** Names the level in the `guardrail` events (`name`) and among the run's plugins. */
  readonly name: string;
  /** Tools this level forbids. */
  readonly forbid: readonly string[];
};

type PolicyLevel = AgentPlugin & { readonly toolPolicy: ToolPolicy };

function levelsOf(run: PluginRun<unknown>): ToolPolicy[] {
  return run.plugins.flatMap((plugin) => {
    const level = (plugin as Partial<PolicyLevel>).toolPolicy;
    return level === undefined ? [] : [level];
  });
}

/** The one plugin that enforces every level of the run, after every other plugin's check. */
const enforcer = definePlugin({
  name: 'tool-policy',
  checkToolCall(call, run) {
    for (const level of levelsOf(run)) {
      const startedAt = Date.now();
      const forbidden = level.forbid.includes(call.toolName);
      run.reportCheck({
        name: level.name,
        phase: 'tool-input',
        stepNumber: call.stepNumber,
        verdict: forbidden ? 'deny' : 'allow',
        tripped: false,
        reason: forbidden ? `${call.toolName} is forbidden by ${level.name}` : undefined,
        toolName: call.toolName,
        toolCallId: call.toolCallId,
        startedAt,
        endedAt: Date.now(),
      });
      if (forbidden)
        return { type: 'deny', message: `${call.toolName} is not allowed (${level.name}).` };
    }
    return undefined;
  },
});

/** One level of the policy: give it to an agent's `plugins`, or to one run's. */
export function toolPolicy(policy: ToolPolicy): AgentPlugin {
  // The level's rule rides as a field of the plugin: definePlugin keeps a plain object's own
  // fields and seals the plugin it returns (a key added afterwards throws a TypeError).
  const level: PolicyLevel = {
    name: `tool-policy:${policy.name}`,
    // A parent's level is a policy over its subagents' calls too, met before their own.
    inherit: true,
    companions: [enforcer],
    toolPolicy: policy,
  };
  return definePlugin(level);
}
