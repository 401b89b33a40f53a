import type { KnownModelRow, KnownThinkingLevel } from './known-model.ts';

const MINIMAL_UP: readonly KnownThinkingLevel[] = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];
const LOW_UP: readonly KnownThinkingLevel[] = ['LOW', 'MEDIUM', 'HIGH'];
const ONE_MILLION = 1_048_576;
const OUTPUT_64K = 65_536;

/** A row as written below: the fields most rows share are left to their defaults. */
type Row = Omit<KnownModelRow, 'thinkingAlwaysOn' | 'image' | 'outputTokenLimit' | 'computerUse'> &
  Partial<Pick<KnownModelRow, 'thinkingAlwaysOn' | 'image' | 'outputTokenLimit' | 'computerUse'>>;

// Each row's source (where it was read) is in known-models.ts, under the model's name.
const rows: readonly Row[] = [
  {
    name: 'gemini-4-hydrogen',
    generation: 4,
    thinking: 'level',
    thinkingLevels: ['LOW', 'MEDIUM', 'HIGH', 'XHIGH'],
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-4-argon',
    generation: 4,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-4-carbon',
    generation: 4,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-3.8-flash',
    generation: 3.8,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    inputTokenLimit: undefined,
  },
  {
    name: 'gemini-3.7-flash',
    generation: 3.7,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    inputTokenLimit: undefined,
  },
  {
    name: 'gemini-3.6-flash',
    generation: 3.6,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-3.5-flash',
    generation: 3.5,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-3.5-flash-lite',
    generation: 3.5,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: undefined,
  },
  {
    name: 'gemini-3.1-pro-preview',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-3.1-pro-preview-customtools',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-3.1-flash-lite',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-3.1-flash-lite-preview',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-3.1-flash-image-preview',
    generation: 3.1,
    thinking: 'none',
    thinkingLevels: undefined,
    image: true,
    inputTokenLimit: 65_536,
    outputTokenLimit: 32_768,
  },
  {
    name: 'gemini-3-pro-preview',
    generation: 3,
    thinking: 'level',
    thinkingLevels: ['LOW', 'HIGH'],
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-3-pro-image-preview',
    generation: 3,
    thinking: 'none',
    thinkingLevels: undefined,
    image: true,
    inputTokenLimit: 65_536,
    outputTokenLimit: 32_768,
  },
  {
    name: 'gemini-3-flash-preview',
    generation: 3,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    // Aliases follow the newest model of their line; their floor is the newest one's (LOW since
    // Gemini 3.7 Flash), so a lower setting is raised rather than refused.
    name: 'gemini-flash-latest',
    generation: 3,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-flash-lite-latest',
    generation: 3,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-pro-latest',
    generation: 3,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
  },
  {
    name: 'gemini-2.5-pro',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-2.5-flash',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-2.5-flash-lite',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
  },
  {
    name: 'gemini-2.0-flash',
    generation: 2,
    thinking: 'none',
    thinkingLevels: undefined,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: 8_192,
  },
  {
    name: 'gemini-2.5-computer-use-preview-10-2025',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    computerUse: true,
    inputTokenLimit: undefined,
  },
  {
    name: 'gemini-nano-banana-2.1',
    generation: 3.1,
    thinking: 'none',
    thinkingLevels: undefined,
    image: true,
    inputTokenLimit: undefined,
  },
  {
    name: 'gemma-4-31b-it',
    generation: undefined,
    thinking: 'none',
    thinkingLevels: undefined,
    inputTokenLimit: undefined,
  },
  {
    name: 'gemma-4-26b-a4b-it',
    generation: undefined,
    thinking: 'none',
    thinkingLevels: undefined,
    inputTokenLimit: undefined,
  },
];

/**
 * The rows of the known models' table without their sources: what building a request reads
 * (thinking shape, limits, tools). The sources, and the public table that joins them, are in
 * `known-models.ts`, which the request path does not load: they were 7.1 KB of the agent app's
 * minified bundle (bench/src/bundle-size/per-file.ts, 2026-11-26).
 */

export const knownModelRows: readonly KnownModelRow[] = rows.map((row) => ({
  thinkingAlwaysOn: false,
  image: false,
  outputTokenLimit: undefined,
  computerUse: row.generation !== undefined && row.generation >= 3 && row.image !== true,
  ...row,
}));

const byName = new Map(knownModelRows.map((row) => [row.name, row]));

/**
 * The row of `model` (`gemini-2.5-flash` or `models/gemini-2.5-flash`) without its source, or
 * `undefined` when gemloop does not know the name.
 */
export function findKnownModelRow(model: string): KnownModelRow | undefined {
  return byName.get(model.startsWith('models/') ? model.slice('models/'.length) : model);
}
