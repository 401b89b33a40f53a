/**
 * Records which mocked modules a test loaded: `track(name)` is a `vi.mock` factory that notes
 * `name` in `loaded` on the module's first import, static or by `import()`, then loads the module
 * itself. For the tests that check what stays lazy (they run in a module graph of their own).
 */
export function createImportTracker(): {
  loaded: Set<string>;
  track: (name: string) => (importOriginal: () => Promise<unknown>) => Promise<unknown>;
} {
  const loaded = new Set<string>();
  const track =
    (name: string) =>
    async (importOriginal: () => Promise<unknown>): Promise<unknown> => {
      loaded.add(name);
      return importOriginal();
    };
  return { loaded, track };
}
