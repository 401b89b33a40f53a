import type { PluginHookRecorder } from '../plugins/run-plugins.ts';

/** A durable runner's hook recorder stood in for by a map (see {@link mapRecorder}). */
export type MapRecorder = {
  readonly record: PluginHookRecorder;
  /** The records kept, by name (by `name#n` when numbered). */
  readonly stored: Map<string, unknown>;
  /** Records open now (a tool that runs inside one would run inside a DBOS step). */
  readonly open: () => number;
  /** From now on, a call whose record is kept is answered from it (a replay). */
  replay(): void;
};

/**
 * A recorder that keeps what @gemloop/dbos's `createPluginHookRecorder` keeps: JSON, and a throw as its
 * name and message only (thrown again, a plain Error, on a replay). `numbered`: records are keyed
 * by the order calls of one name start (`name#1`, `name#2`, …), as DBOS numbers a workflow's
 * steps, so two calls that share a name keep records of their own; a replay counts again.
 */
export function mapRecorder({ numbered = false }: { numbered?: boolean } = {}): MapRecorder {
  const stored = new Map<string, unknown>();
  let replaying = false;
  let open = 0;
  let seen = new Map<string, number>();
  const keyOf = (name: string): string => {
    if (!numbered) return name;
    const nth = (seen.get(name) ?? 0) + 1;
    seen.set(name, nth);
    return `${name}#${nth}`;
  };
  return {
    stored,
    open: () => open,
    replay: () => {
      replaying = true;
      seen = new Map();
    },
    record: async (name, call) => {
      const key = keyOf(name);
      if (replaying && stored.has(key)) {
        const kept = stored.get(key) as { threw?: { name: string; message: string } } | undefined;
        if (kept?.threw === undefined) return kept;
        throw Object.assign(new Error(kept.threw.message), { name: kept.threw.name });
      }
      open++;
      try {
        const value = JSON.parse(JSON.stringify((await call()) ?? null)) ?? undefined;
        stored.set(key, value);
        return value;
      } catch (error) {
        const threw = { name: (error as Error).name, message: (error as Error).message };
        stored.set(key, { threw });
        throw Object.assign(new Error(threw.message), { name: threw.name });
      } finally {
        open--;
      }
    },
  };
}
