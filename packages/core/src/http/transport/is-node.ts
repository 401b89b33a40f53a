type NodeProcess = { versions?: { node?: unknown } };

/** Node itself (not Bun or Deno, which also set `process.versions.node`). @internal */
export const isNode: boolean = (() => {
  const candidate = (globalThis as { process?: NodeProcess }).process;
  return (
    typeof candidate?.versions?.node === 'string' &&
    !('Bun' in globalThis) &&
    !('Deno' in globalThis)
  );
})();
