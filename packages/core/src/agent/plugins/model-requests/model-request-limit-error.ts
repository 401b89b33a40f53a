import { GemloopError } from '../../../errors/gemloop-error.ts';

/**
 * A plugin's `wrapModelRequest` called its `next` more often for one request of the agent than
 * the agent's `maxModelCallsPerStep` allows (a wrapper that calls `next` again and again, with no
 * budget to stop it, would otherwise send requests without end). The request past the limit was
 * not sent. The request level's twin of `ModelCallLimitError` (`wrapModelCall`'s), with the same
 * `plugin`, `hook`, `limit` and `detail`; it holds no run (a request wrapper sees none): the step
 * fails with a `ModelCallError` whose `cause` is this error, the run's history consistent.
 */
export class ModelRequestLimitError extends GemloopError {
  override readonly code = 'model-request-limit';
  /** Not the code's: see the `name` of GemloopError (a minified class keeps this one). */
  override get name(): string {
    return 'ModelRequestLimitError';
  }
  /** The plugin whose `next` was called once too often. */
  readonly plugin: string;
  /** The hook that asked: always `wrapModelRequest`. */
  readonly hook = 'wrapModelRequest';
  /** The agent's `maxModelCallsPerStep`. */
  readonly limit: number;
  /** What went wrong, without the plugin's name (`message` says both). */
  readonly detail: string;

  constructor({ plugin, limit }: { plugin: string; limit: number }) {
    const detail = `its next asked for request ${limit + 1} of one model call, more than the agent's maxModelCallsPerStep (${limit}) allows, and was not sent; stop calling next once the request has its answer (bound the retries), or raise createAgent({ maxModelCallsPerStep }).`;
    super({ message: `Plugin "${plugin}" failed in wrapModelRequest: ${detail}` });
    this.plugin = plugin;
    this.limit = limit;
    this.detail = detail;
  }

  static override isInstance(error: unknown): error is ModelRequestLimitError {
    return GemloopError.hasCode(error, 'model-request-limit');
  }
}
