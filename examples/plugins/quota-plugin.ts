// A plugin written outside gemloop, with public imports only (issue 53): a per-user quota of model
// calls, kept in the application's own store. When a user is over it, the run ends with the
// plugin's own typed error, `QuotaExceededError`, which the caller catches as it is (`ownErrors`),
// as the built-ins' typed errors reach it; a failure of the store, a bug, is still a `PluginError`
// naming the plugin and the hook.

import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';

/** Where the quota's counts live (a database, Redis): the application's. */
export type QuotaStore = {
  /** How many model calls `user` has made in the current period. */
  readonly used: (user: string) => Promise<number> | number;
  /** Counts one model call of `user`. */
  readonly add: (user: string) => Promise<void> | void;
};

/** Options of {@link quota}. */
export type QuotaOptions = {
  /** Whose calls the agent's runs count. */
  readonly user: string;
  /** Model calls a user may make in the period. */
  readonly limit: number;
  readonly store: QuotaStore;
};

/** The user is over their quota: the run ended before the model call that would pass it. */
export class QuotaExceededError extends Error {
  override readonly name = 'QuotaExceededError';
  readonly user: string;
  readonly limit: number;

  constructor(user: string, limit: number) {
    super(`User "${user}" has used all ${limit} model calls of this period.`);
    this.user = user;
    this.limit = limit;
  }
}

/** The plugin: `beforeModelCall` checks the user's count, `afterModelCall` adds the call. */
export function quota(options: QuotaOptions): AgentPlugin {
  const { user, limit, store } = options;
  return definePlugin({
    name: 'quota',
    // Only its own typed error ends the run as it is; what the store throws is a PluginError.
    ownErrors: (error) => error instanceof QuotaExceededError,
    async beforeModelCall() {
      if ((await store.used(user)) >= limit) throw new QuotaExceededError(user, limit);
    },
    async afterModelCall() {
      await store.add(user);
    },
  });
}
