/**
 * A thinking level a Gemini 3.x or 4 model documents (`generationConfig.thinkingConfig.thinkingLevel`).
 * `XHIGH` is Gemini 4 Hydrogen's alone (`@ai-sdk/google` 4.0.121 CHANGELOG 4e43721).
 */
export type KnownThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'XHIGH';

/**
 * One model gemloop knows by name: what decides the shape of a request to it, and where that was
 * read. Capabilities not listed here (thought signatures, tool combination, media resolution)
 * follow from `generation`, see `getModelCapabilities`.
 */
export type KnownModel = {
  /** The model id as it goes into `models/{id}`, e.g. `gemini-3-flash-preview`. */
  readonly name: string;
  /** The family (`3.5`, `3`, `2.5`, ...); `undefined` for non-Gemini models (Gemma). */
  readonly generation: number | undefined;
  /** How thinking is configured: `thinkingLevel`, `thinkingBudget`, or not at all. */
  readonly thinking: 'level' | 'budget' | 'none';
  /** The `thinkingLevel` values the model takes, lowest first (`thinking: 'level'` only). */
  readonly thinkingLevels: readonly KnownThinkingLevel[] | undefined;
  /** Thinking cannot be turned off (budget 0 or `MINIMAL` is rejected). */
  readonly thinkingAlwaysOn: boolean;
  /** The most input tokens a request may hold; `undefined` where no source gives it. */
  readonly inputTokenLimit: number | undefined;
  /**
   * The most output tokens (thinking included) one request may generate; `undefined` where no
   * source gives it. For the Gemini 4 long-decode models, the streamed cap (unary is 32,768).
   */
  readonly outputTokenLimit: number | undefined;
  /**
   * The computer use tool (`tools: [{ computerUse }]`) is taken: Gemini 3 and later (Gemini API
   * changelog, 2026-01-29: "Computer Use tool in gemini-3-pro-preview and gemini-3-flash-preview";
   * ai.google.dev/gemini-api/docs/computer-use: "Gemini 3.x models support ...") and the 2.5
   * computer-use preview; not the image models.
   */
  readonly computerUse: boolean;
  /** An image-generation model: no thinking settings, no signature requirement. */
  readonly image: boolean;
  /** Where the row was read: a URL (or repository path) and what it says. */
  readonly source: string;
  /** When the source was checked, `YYYY-MM-DD`. */
  readonly checked: string;
};

const MINIMAL_UP: readonly KnownThinkingLevel[] = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];
const LOW_UP: readonly KnownThinkingLevel[] = ['LOW', 'MEDIUM', 'HIGH'];
const ONE_MILLION = 1_048_576;
const OUTPUT_64K = 65_536;

// @ai-sdk/google 4.0.121: `src/google-model-catalog.ts` (model ids; `efforts`: 'minimal' unless
// the id is a 3+ Pro, gemini-flash-latest or a Flash from 3.7 on; 'xhigh' for gemini-4-hydrogen
// alone, whose floor is 'low'), `docs/15-google.mdx` ("Long decode": Gemini 4 models share a 1M
// token context window, a request generates at most 32,768 tokens unary and 65,536 streamed,
// thinkingBudget is not supported; "Gemini 4 Hydrogen supports 'low', 'medium', 'high', and
// 'xhigh'"; Hydrogen defaults to high), CHANGELOG (bdbeba3 gemini-4-argon, c160b74
// gemini-4-carbon "with the same capabilities as gemini-4-argon", 4e43721 gemini-4-hydrogen,
// 622fa7f gemini-3.8-flash, 7c16f21 gemini-3.6-flash and gemini-3.5-flash-lite). A "1M" window is
// read as 1,048,576, as Google's models page gives every other 1M model.
const AI_SDK = '@ai-sdk/google 4.0.121';
const GEMINI_4 = `${AI_SDK} docs/15-google.mdx "Long decode" (shared 1M token window; 32,768 output tokens per unary request, 65,536 streamed; thinking levels, no thinkingBudget)`;

const VERTEX_35_GUIDE =
  'docs.cloud.google.com/gemini-enterprise-agent-platform/models/guides/gemini-3-5-flash ("How does it fit in the Gemini family?": model ids, context window 1,048,576, supported thinking levels)';
const GOOGLE_MODELS =
  'ai.google.dev/gemini-api/docs/models (model codes, input and output token limits: 65,536 output on the 2.5 and 3 text models)';

type Row = Omit<
  KnownModel,
  'thinkingAlwaysOn' | 'image' | 'checked' | 'outputTokenLimit' | 'computerUse'
> &
  Partial<
    Pick<KnownModel, 'thinkingAlwaysOn' | 'image' | 'checked' | 'outputTokenLimit' | 'computerUse'>
  >;

const CHECKED = '2026-11-23';

const rows: readonly Row[] = [
  {
    name: 'gemini-4-hydrogen',
    generation: 4,
    thinking: 'level',
    thinkingLevels: ['LOW', 'MEDIUM', 'HIGH', 'XHIGH'],
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: `${GEMINI_4}; levels: ${AI_SDK} CHANGELOG 4e43721 and docs/15-google.mdx ("Gemini 4 Hydrogen supports 'low', 'medium', 'high', and 'xhigh'"), google-model-catalog.ts (minLevel 'low' for Hydrogen)`,
  },
  {
    name: 'gemini-4-argon',
    generation: 4,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: `${GEMINI_4}; ${AI_SDK} CHANGELOG bdbeba3; levels: google-model-catalog.ts (getMinimumThinkingLevelForGemini3Model: 'minimal' for a name neither Pro nor Flash)`,
  },
  {
    name: 'gemini-4-carbon',
    generation: 4,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: `${AI_SDK} CHANGELOG c160b74 ("the same capabilities as gemini-4-argon"); ${GEMINI_4}`,
  },
  {
    name: 'gemini-3.8-flash',
    generation: 3.8,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    inputTokenLimit: undefined,
    source:
      'docs.cloud.google.com/vertex-ai/generative-ai/docs/thinking (thinking_level table lists Gemini 3.8 Flash from LOW); simonw/llm-gemini 0.34 release notes ("low, medium and high thinking levels")',
  },
  {
    name: 'gemini-3.7-flash',
    generation: 3.7,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    inputTokenLimit: undefined,
    source:
      'pydantic/pydantic-ai profiles/google.py _MODELS_WITHOUT_MINIMAL_THINKING_LEVEL; docs.rs ferrin-google minimum_thinking_level_gemini3 ("low ... for gemini-X.Y-flash from 3.7 on")',
  },
  {
    name: 'gemini-3.6-flash',
    generation: 3.6,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    source:
      'ai.google.dev/gemini-api/docs/whats-new-gemini-3.5 (gemini-3.5-flash is routed to gemini-3.6-flash, 1M context); docs.rs ferrin-google minimum_thinking_level_gemini3 (minimal below 3.7)',
  },
  {
    name: 'gemini-3.5-flash',
    generation: 3.5,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    source: `${VERTEX_35_GUIDE}; deprecated, routed to gemini-3.6-flash (ai.google.dev/gemini-api/docs/whats-new-gemini-3.5)`,
  },
  {
    name: 'gemini-3.5-flash-lite',
    generation: 3.5,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: undefined,
    source: `${AI_SDK} CHANGELOG 7c16f21 (model id) and google-model-catalog.ts (a -lite Flash starts at 'minimal'); no source gives its limits`,
  },
  {
    name: 'gemini-3.1-pro-preview',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: VERTEX_35_GUIDE,
  },
  {
    name: 'gemini-3.1-pro-preview-customtools',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    source: `${GOOGLE_MODELS}: the 3.1 Pro variant tuned for custom tools, same limits as gemini-3.1-pro-preview`,
  },
  {
    name: 'gemini-3.1-flash-lite',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    source: VERTEX_35_GUIDE,
  },
  {
    name: 'gemini-3.1-flash-lite-preview',
    generation: 3.1,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    source: `${GOOGLE_MODELS}; the preview of gemini-3.1-flash-lite (${VERTEX_35_GUIDE})`,
  },
  {
    name: 'gemini-3.1-flash-image-preview',
    generation: 3.1,
    thinking: 'none',
    thinkingLevels: undefined,
    image: true,
    inputTokenLimit: 65_536,
    outputTokenLimit: 32_768,
    source: `${GOOGLE_MODELS} (65,536 input / 32,768 output)`,
  },
  {
    name: 'gemini-3-pro-preview',
    generation: 3,
    thinking: 'level',
    thinkingLevels: ['LOW', 'HIGH'],
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: `${GOOGLE_MODELS}; levels: ai.google.dev/gemini-api/docs/thinking (Gemini 3 Pro: low, high)`,
  },
  {
    name: 'gemini-3-pro-image-preview',
    generation: 3,
    thinking: 'none',
    thinkingLevels: undefined,
    image: true,
    inputTokenLimit: 65_536,
    outputTokenLimit: 32_768,
    source: `${GOOGLE_MODELS} (65,536 input / 32,768 output); no signature enforcement (Vertex thought-signature docs)`,
  },
  {
    name: 'gemini-3-flash-preview',
    generation: 3,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source:
      'docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-flash (model id, 1,048,576 input tokens, thinking levels minimal, low, medium, high)',
  },
  {
    // Aliases follow the newest model of their line; their floor is the newest one's (LOW since
    // Gemini 3.7 Flash), so a lower setting is raised rather than refused.
    name: 'gemini-flash-latest',
    generation: 3,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    inputTokenLimit: ONE_MILLION,
    source: `${GOOGLE_MODELS} ("latest" aliases); docs.rs ferrin-google minimum_thinking_level_gemini3 ("low for gemini-flash-latest")`,
  },
  {
    name: 'gemini-flash-lite-latest',
    generation: 3,
    thinking: 'level',
    thinkingLevels: MINIMAL_UP,
    inputTokenLimit: ONE_MILLION,
    source: `${GOOGLE_MODELS} ("latest" aliases); Flash-Lite takes MINIMAL (${VERTEX_35_GUIDE})`,
  },
  {
    name: 'gemini-pro-latest',
    generation: 3,
    thinking: 'level',
    thinkingLevels: LOW_UP,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    source: `${GOOGLE_MODELS} ("latest" aliases); Pro models start at LOW (${VERTEX_35_GUIDE})`,
  },
  {
    name: 'gemini-2.5-pro',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    thinkingAlwaysOn: true,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: `${GOOGLE_MODELS}; models.list ("inputTokenLimit": 1048576, "thinking": true); budget 0 rejected (pydantic-ai profiles/google.py)`,
  },
  {
    name: 'gemini-2.5-flash',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: `${GOOGLE_MODELS}; models.list ("inputTokenLimit": 1048576, "thinking": true)`,
  },
  {
    name: 'gemini-2.5-flash-lite',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: OUTPUT_64K,
    source: GOOGLE_MODELS,
  },
  {
    name: 'gemini-2.0-flash',
    generation: 2,
    thinking: 'none',
    thinkingLevels: undefined,
    inputTokenLimit: ONE_MILLION,
    outputTokenLimit: 8_192,
    source: `${GOOGLE_MODELS}; models.list ("inputTokenLimit": 1048576, "outputTokenLimit": 8192)`,
  },
  {
    name: 'gemini-2.5-computer-use-preview-10-2025',
    generation: 2.5,
    thinking: 'budget',
    thinkingLevels: undefined,
    computerUse: true,
    inputTokenLimit: undefined,
    source:
      'ai.google.dev/gemini-api/docs/computer-use (the Gemini 2.5 Computer Use Preview model, browser only, safety_decision in its calls); model id in @ai-sdk/google 4.0.121 google-model-catalog.ts; no source checked gives its limits',
  },
  {
    name: 'gemini-nano-banana-2.1',
    generation: 3.1,
    thinking: 'none',
    thinkingLevels: undefined,
    image: true,
    inputTokenLimit: undefined,
    source: `${AI_SDK} CHANGELOG 753f2e1 (model id) and google-model-catalog.ts (an image model: no tools, no streaming documented); no source gives its limits`,
  },
  {
    name: 'gemma-4-31b-it',
    generation: undefined,
    thinking: 'none',
    thinkingLevels: undefined,
    inputTokenLimit: undefined,
    source: 'googleapis/js-genai 2.18.0 model list; ai.google.dev/gemini-api/docs/models (Gemma 4)',
  },
  {
    name: 'gemma-4-26b-a4b-it',
    generation: undefined,
    thinking: 'none',
    thinkingLevels: undefined,
    inputTokenLimit: undefined,
    source: 'googleapis/js-genai 2.18.0 model list; ai.google.dev/gemini-api/docs/models (Gemma 4)',
  },
];

/**
 * The models gemloop knows, newest first: one row per model id, each with its source and the date
 * it was checked. A name not listed here gets capabilities guessed from its shape
 * (`getModelCapabilities`); add a row (with its source) when a model ships.
 */
export const knownModels: readonly KnownModel[] = rows.map((row) => ({
  thinkingAlwaysOn: false,
  image: false,
  checked: CHECKED,
  outputTokenLimit: undefined,
  computerUse: row.generation !== undefined && row.generation >= 3 && row.image !== true,
  ...row,
}));

const byName = new Map(knownModels.map((model) => [model.name, model]));

/**
 * The table row of `model` (`gemini-2.5-flash` or `models/gemini-2.5-flash`), or `undefined` when
 * gemloop does not know the name.
 */
export function findKnownModel(model: string): KnownModel | undefined {
  return byName.get(model.startsWith('models/') ? model.slice('models/'.length) : model);
}
