/**
 * The first user text of a run's input (what the run was asked): a string, parts, contents (the
 * first with role `user`) or history turns (`{ contents }`); `undefined` for anything else.
 * The types of question.js, the page's module that summarize-run.ts shares.
 */
export declare function firstUserText(input: unknown): string | undefined;
