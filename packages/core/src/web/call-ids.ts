/**
 * The ids a page is shown for one run's tool calls. The model may repeat a call id in a turn or a
 * later step (a gateway that numbers each answer's calls from `call_0`): gemloop answers every
 * call, but a page keeps one call per id and path (`@gemloop/react`), so a repeat would merge two
 * calls into one. Each call is shown with its own id, followed by `#2`, `#3`... when that id was
 * already shown at its path; a result or an approval finds its call's id by the call's arguments
 * object, as the approval broker pairs them, never by the model's id (attack27).
 * @internal
 */
export type CallIds = {
  /** The id to show a new call with, unique at its path from now on. */
  shown(path: readonly string[], toolCallId: string, args: object): string;
  /** The id the call with these arguments was shown with (its own when it was not shown). */
  of(args: object, toolCallId: string): string;
};

/** The call ids of one run's page. @internal */
export function createCallIds(): CallIds {
  const byArgs = new WeakMap<object, string>();
  // Bounded by the run's calls; a path's JSON ends in `]`, so no id can pass for another path's.
  const taken = new Set<string>();
  return {
    shown(path, toolCallId, args) {
      const at = JSON.stringify(path);
      let id = toolCallId;
      for (let count = 2; taken.has(at + id); count++) id = `${toolCallId}#${count}`;
      taken.add(at + id);
      byArgs.set(args, id);
      return id;
    },
    of: (args, toolCallId) => byArgs.get(args) ?? toolCallId,
  };
}
