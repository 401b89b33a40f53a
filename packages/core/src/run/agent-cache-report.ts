/** What a run's result says about the cache. */
export type AgentCacheReport = {
  /**
   * `active`: requests used the cache. `too-small`: the prefix is under the model's minimum, so
   * it was sent inline. `unavailable`: creating the cache failed (the server or gateway may not
   * serve `cachedContents`), or a call sent with it was answered without it (a gateway that
   * drops `cachedContent`: that step was sent again inline), so it was sent inline; the failure
   * was logged. A creation that failed for a passing reason (a 503, a 429, a network error) is
   * tried again a minute on; anything else gives the cache up for the agent's life.
   */
  status: 'active' | 'too-small' | 'unavailable';
  /** The cache's name while it exists. */
  name: string | undefined;
  /** Tokens the cache holds (its `usageMetadata.totalTokenCount`), or the counted prefix. */
  cachedTokens: number;
  /**
   * Input tokens of this run served from the cache instead of being sent and billed at the full
   * rate: the sum of the steps' `usage.cachedContentTokenCount`.
   */
  savedInputTokens: number;
};
