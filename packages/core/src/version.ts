/** The version of `@gemloop/core` (kept equal to its package.json by `version.test.ts`). */
export const version: string = '0.1.0';
