import { ModelCallError } from '../agent/errors/model-call-error.ts';
import type { AgentPlugin, ModelCallDraft, PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import type { AgentStep } from '../run/agent-result.ts';
import type { Content } from '../wire/content.ts';
import { readUsageCount } from '../wire/read-usage-count.ts';
import { isCacheGone, PromptCache, type PromptCacheOptions } from './prompt-cache.ts';

/** What the `cache` option makes for one agent (see {@link createAgentPromptCache}). @internal */
export type AgentPromptCache = {
  /** The plugin every run of the agent adds after the agent's own `plugins`. */
  readonly plugin: AgentPlugin;
  /**
   * `cache.contents`: sent before the history of every request of the agent (from the cache, or
   * inline); compaction counts them in what each request sends besides the history.
   */
  readonly contents: readonly Content[];
  /** Deletes the cache (`agent.close()`; a failure is logged: the TTL removes it anyway). */
  close(): Promise<void>;
};

/**
 * The agent's `cache` option as a plugin on the seam (issue 53): one {@link PromptCache} per
 * agent, shared by its runs and chat turns, and a plugin whose `wrapModelCall` sends each call of
 * the agent's tool loop with the cache (`ModelCallDraft.cachedContent`: the request then leaves
 * out the system instruction, tools and tool config it holds), and, when the API answers that the
 * cache is gone (expired or deleted behind the agent's back), makes it again and sends the call
 * once more. A call the cache cannot serve (the final structured-output call, which has no tools;
 * a call a fallback sends to another model; a prefix under the model's minimum; a server without
 * caches) sends `cache.contents` inline before the history. `endRun` writes the result's `cache`
 * report.
 *
 * Made for one agent, among its plugins: a hand-off that gives the run to another agent ends it
 * with the agent's other plugins (`endRun` with `handedOff`), so that agent's requests carry their
 * own prefix and the result's report is the agent's holding the run at its end. No hook is `recorded`: the
 * model call inside `next` is what a durable client records; the cache is an optimisation a
 * replay makes again when it is gone (see `@gemloop/dbos`'s durable client, which leaves
 * `gemini.caches` unrecorded).
 * @internal
 */
export function createAgentPromptCache(options: PromptCacheOptions): AgentPromptCache {
  const cache = new PromptCache(options);
  const { model } = options;
  const inline = (call: ModelCallDraft): ModelCallDraft =>
    cache.contents.length === 0
      ? call
      : { ...call, contents: [...cache.contents, ...call.contents] };
  const plugin = definePlugin({
    name: 'prompt-cache',
    // The model call's own failures (from `next`), passed on as they are, not wrapped in a
    // PluginError.
    ownErrors: (error) => ModelCallError.isInstance(error),
    async wrapModelCall(call, next, run): Promise<AgentStep> {
      // The final structured-output call has no tools, so it cannot use a cache that holds them;
      // a cached content belongs to one model.
      if (call.kind !== 'tools' || (call.model !== undefined && call.model !== model))
        return next(inline(call));
      // Never rejects: a cache that cannot be made is given up (the prefix goes inline), one whose
      // TTL cannot be refreshed is used until it expires (attack42b: that failure failed steps).
      const name = await cache.acquire();
      if (name === undefined) return next(inline(call));
      let step: AgentStep;
      try {
        step = await next({ ...call, cachedContent: name });
      } catch (error) {
        // Expired or deleted behind our back: recreate it once and send again.
        if (!isCacheGone(error) || run.signal.aborted) throw error;
        cache.invalidate(name);
        const again = await cache.acquire();
        if (again === undefined) return next(inline(call));
        try {
          return await next({ ...call, cachedContent: again });
        } catch (second) {
          // Gone again, just made: the server does not serve the caches it makes (a gateway that
          // sends the two requests to different projects). Every step failed so (attack-core11);
          // the prefix goes inline from now on.
          if (!isCacheGone(second) || run.signal.aborted) throw second;
          cache.unavailable(again);
          return next(inline(call));
        }
      }
      if (!answeredWithoutCache(step)) return step;
      // A gateway that drops `cachedContent` sends the call without the instruction and tools the
      // cache holds: the model answered as no agent of ours (attack65a). The step is sent again
      // with the prefix inline (a stream's shown text is retracted by the seam), and so is every
      // call after it.
      cache.ignored(name);
      return next(inline(call));
    },
    endRun(run: PluginRun, { handedOff }) {
      // The run goes on with another agent (the plugin leaves with its agent's plugins): the
      // result's report is the agent holding the run at its end.
      if (handedOff === true) return;
      // A result field only core makes (as `result.steering`): a third party reports with
      // `run.emit`.
      const internals = internalsOf(run);
      let saved = 0;
      for (const step of run.steps) saved += step.usage.cachedContentTokenCount;
      internals.tracker.cacheReport = cache.report(saved);
    },
  });
  return { plugin, contents: cache.contents, close: () => cache.close() };
}

/**
 * Whether a step sent with a cache was answered without it: the API counts the cache's tokens in
 * every answer that used one (`usageMetadata.cachedContentTokenCount`; the recorded
 * `gemini25-flash__cachedContent-usage.json`), so a usage the server reported (not estimated)
 * that counts none says the cache never reached the model. A step cut short says nothing.
 */
function answeredWithoutCache(step: AgentStep): boolean {
  if (step.usageEstimated === true || step.interrupted === true) return false;
  const { usageMetadata: usage, promptFeedback } = step.response;
  // Only a usage that counts the prompt says what of it was cached (a gateway that reports a
  // total alone says nothing of it); a blocked prompt is not sent again for its usage.
  if (usage === undefined || promptFeedback?.blockReason != null) return false;
  if (!((readUsageCount(usage.promptTokenCount) ?? 0) > 0)) return false;
  return step.usage.cachedContentTokenCount === 0;
}
