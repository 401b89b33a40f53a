// What the examples' tests `inject` from the run's global setup (scripts/example-bundles-setup.ts),
// in a file of its own so that examples/tsconfig.json type-checks it without the bundler.
declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the examples' bundles; not provided when the examples do not run. */
    exampleBundles: string | undefined;
  }
}

export {};
