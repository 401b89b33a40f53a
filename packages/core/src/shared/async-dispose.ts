// `Symbol.asyncDispose` is in TypeScript's `esnext.disposable` lib (and in @types/node), not in
// `es2023` or `dom`: a browser project with `lib: ["es2023", "dom"]` and no @types/node, checking
// gemloop's `.d.ts` (skipLibCheck off), failed with TS2550 on every `[Symbol.asyncDispose]` key
// (issue 28). The same minimal declaration @types/node makes (`compatibility/disposable.d.ts`)
// travels with the types that use the key, through this file (`AsyncDispose`). Declarations of this property
// merge with the lib's and @types/node's: the `unique symbol` belongs to the merged property.
// It says nothing of the runtime: the objects still get the key only where the runtime has the
// symbol (`typeof Symbol.asyncDispose === 'symbol'`).
declare global {
  interface SymbolConstructor {
    /** The method `await using` calls when the declaration's scope ends. */
    readonly asyncDispose: unique symbol;
  }
}

/**
 * The type of an `[Symbol.asyncDispose]` member, which `await using` calls: `close()`. Typing the
 * member with it (rather than as a method) keeps this file, and so the declaration above, imported
 * by every `.d.ts` that has the key. Defined where the runtime has `Symbol.asyncDispose` (Node 20+,
 * current browsers).
 */
export type AsyncDispose = () => Promise<void>;
