import { SchemaLibraryNotLoadedError } from '../../errors/schema-library-not-loaded-error.ts';
import { SchemaLibraryLoader } from '../schema/schema-library-loader.ts';
import type { assertSafeSchemaPatterns, PatternSource } from './judge-schema-patterns.ts';

type PatternJudge = { assertSafeSchemaPatterns: typeof assertSafeSchemaPatterns };

/**
 * The pattern analysis (judge-schema-patterns.ts with scslre, refa and regexpp), imported on the
 * first schema that has a `pattern`, on every runtime: a module the root import does not load
 * (index.static-imports.test.ts), and a chunk of its own in a browser bundle, so an app whose
 * schemas have no pattern loads none of it.
 */
// why (cache): one import per process, as the schema libraries' own loaders (validate-json-schema-args.ts).
const judge = new SchemaLibraryLoader<PatternJudge>(
  () => undefined,
  () => import('./judge-schema-patterns.ts'),
);

/**
 * Whether a JSON Schema may hold a regular expression (a `pattern` keyword or a
 * `patternProperties` key): a property named `pattern` also says yes, which only loads the
 * analysis, whose walk knows the difference.
 * @internal
 */
export function hasSchemaPatterns(schema: unknown): boolean {
  return schema !== undefined && JSON.stringify(schema).includes('"pattern');
}

/**
 * The analysis, loaded: a promise that settles once it is (started here, or the one in flight),
 * undefined when it already is.
 * @internal
 */
export function loadPatternJudge(): Promise<void> | undefined {
  return judge.load();
}

/**
 * Refuses a schema whose patterns can backtrack super-linearly on a model's string, before any of
 * them runs on one.
 *
 * @throws {@link UnsafePatternError} naming the first such pattern.
 * @throws {@link SchemaLibraryNotLoadedError} while the analysis is still loading (its load is
 *   started; an agent's run waits for it by itself).
 * @internal
 */
export function assertSafePatterns(
  schema: unknown,
  where: { toolName: string | undefined; source: PatternSource },
): void {
  const loaded = judge.get();
  if (loaded === undefined) {
    judge.load();
    throw new SchemaLibraryNotLoadedError({
      library: 'pattern-analysis',
      toolName: where.toolName,
    });
  }
  loaded.assertSafeSchemaPatterns(schema, where);
}

/**
 * {@link assertSafePatterns} once the analysis is loaded: what an agent's first run (and a
 * handoff, and structured output) awaits before any model call. It rejects with the
 * {@link UnsafePatternError}; a rejection nobody awaits is not reported as unhandled.
 * @internal
 */
export function checkPatternsWhenLoaded(
  schema: unknown,
  where: { toolName: string | undefined; source: PatternSource },
): Promise<void> {
  const checked = Promise.resolve(judge.load()).then(() => assertSafePatterns(schema, where));
  checked.catch(() => {});
  return checked;
}
