/**
 * The agents a runner knows a hand-off's receiving agent by: a stable key (a name every worker of a
 * fleet gives the same agent), so a hand-off a recorded hook returned is stored as JSON (the key,
 * not the agent) and a replay in another process finds the same agent again. A durable runner
 * also answers with its own copy of the agent (its model and tool calls recorded steps), so the
 * run it continues stays durable after the hand-off. @internal
 */
export type HandOffAgents = {
  /**
   * The key `agent` (the application's agent or the runner's copy of it) is stored by.
   * @throws a typed error naming the agent when the runner does not know it.
   */
  keyOf(agent: object): string;
  /**
   * The agent `key` names, as the runner runs it.
   * @throws a typed error naming the key, and how to register the agent, when it is unknown.
   */
  agentOf(key: string): object;
};

/**
 * What a runner (a durable one) serves the runs of its tree besides the recorder of hooks,
 * inherited down the tree as the recorder is (`RunLink.services`). `undefined`: a run in process,
 * whose hand-offs go to the agent the plugin names. @internal
 */
export type RunServices = {
  readonly handOffAgents?: HandOffAgents | undefined;
  /**
   * The messages waiting on `topic` for the run executing now (a durable runner: its DBOS
   * messages, read with `DBOS.recv` outside any step, which DBOS records so a replay gets the same
   * ones), at most `max`, oldest first, as the runner holds them (checked by the caller, as
   * hostile). Called at a step boundary of a top run only, one call at a time; answers `[]` at
   * once when the runner knows nothing waits.
   */
  readonly receive?: ((topic: string, max: number) => Promise<readonly unknown[]>) | undefined;
  /**
   * Whether an error the runner's child starter (`RunLink.startChild`) threw ends the calling run
   * as it is, instead of being the subagent's failure its tool answers the model with: a durable
   * runner stops the parent while its child waits for a person (DBOS's cancellation) or when it
   * lost the run. Here, not the run's own `isRunEndingError`: the subagent tool reaches the run
   * only through its link, and a link field for it cost the agent app's bundle +26 B gzip.
   */
  readonly endsRun?: ((error: unknown) => boolean) | undefined;
};

/** How a recorded hook's hand-off stores its agent: the runner's key (see {@link HandOffAgents}). @internal */
export type StoredHandOffAgent = { readonly handOffAgent: string };
