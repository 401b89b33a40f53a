import { checkModelArgument } from './check-model-argument.ts';
import { freezeDeep } from './freeze-deep.ts';
import type { KnownModel } from './known-model.ts';
import { findKnownModelRow, knownModelRows } from './known-model-rows.ts';

export type { KnownModel, KnownThinkingLevel } from './known-model.ts';

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

const CHECKED = '2026-11-23';

/**
 * Where each row of `knownModelRows` was read, by model name (known-models.test.ts keeps the two in
 * step). Not in the package's exports: `knownModels` carries each source on its row.
 */
export const knownModelSources: Readonly<Record<string, string>> = {
  'gemini-4-hydrogen': `${GEMINI_4}; levels: ${AI_SDK} CHANGELOG 4e43721 and docs/15-google.mdx ("Gemini 4 Hydrogen supports 'low', 'medium', 'high', and 'xhigh'"), google-model-catalog.ts (minLevel 'low' for Hydrogen)`,
  'gemini-4-argon': `${GEMINI_4}; ${AI_SDK} CHANGELOG bdbeba3; levels: google-model-catalog.ts (getMinimumThinkingLevelForGemini3Model: 'minimal' for a name neither Pro nor Flash)`,
  'gemini-4-carbon': `${AI_SDK} CHANGELOG c160b74 ("the same capabilities as gemini-4-argon"); ${GEMINI_4}`,
  'gemini-3.8-flash':
    'docs.cloud.google.com/vertex-ai/generative-ai/docs/thinking (thinking_level table lists Gemini 3.8 Flash from LOW); simonw/llm-gemini 0.34 release notes ("low, medium and high thinking levels")',
  'gemini-3.7-flash':
    'pydantic/pydantic-ai profiles/google.py _MODELS_WITHOUT_MINIMAL_THINKING_LEVEL; docs.rs ferrin-google minimum_thinking_level_gemini3 ("low ... for gemini-X.Y-flash from 3.7 on")',
  'gemini-3.6-flash':
    'ai.google.dev/gemini-api/docs/whats-new-gemini-3.5 (gemini-3.5-flash is routed to gemini-3.6-flash, 1M context); docs.rs ferrin-google minimum_thinking_level_gemini3 (minimal below 3.7)',
  'gemini-3.5-flash': `${VERTEX_35_GUIDE}; deprecated, routed to gemini-3.6-flash (ai.google.dev/gemini-api/docs/whats-new-gemini-3.5)`,
  'gemini-3.5-flash-lite': `${AI_SDK} CHANGELOG 7c16f21 (model id) and google-model-catalog.ts (a -lite Flash starts at 'minimal'); no source gives its limits`,
  'gemini-3.1-pro-preview': VERTEX_35_GUIDE,
  'gemini-3.1-pro-preview-customtools': `${GOOGLE_MODELS}: the 3.1 Pro variant tuned for custom tools, same limits as gemini-3.1-pro-preview`,
  'gemini-3.1-flash-lite': VERTEX_35_GUIDE,
  'gemini-3.1-flash-lite-preview': `${GOOGLE_MODELS}; the preview of gemini-3.1-flash-lite (${VERTEX_35_GUIDE})`,
  'gemini-3.1-flash-image-preview': `${GOOGLE_MODELS} (65,536 input / 32,768 output)`,
  'gemini-3-pro-preview': `${GOOGLE_MODELS}; levels: ai.google.dev/gemini-api/docs/thinking (Gemini 3 Pro: low, high)`,
  'gemini-3-pro-image-preview': `${GOOGLE_MODELS} (65,536 input / 32,768 output); no signature enforcement (Vertex thought-signature docs)`,
  'gemini-3-flash-preview':
    'docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-flash (model id, 1,048,576 input tokens, thinking levels minimal, low, medium, high)',
  'gemini-flash-latest': `${GOOGLE_MODELS} ("latest" aliases); docs.rs ferrin-google minimum_thinking_level_gemini3 ("low for gemini-flash-latest")`,
  'gemini-flash-lite-latest': `${GOOGLE_MODELS} ("latest" aliases); Flash-Lite takes MINIMAL (${VERTEX_35_GUIDE})`,
  'gemini-pro-latest': `${GOOGLE_MODELS} ("latest" aliases); Pro models start at LOW (${VERTEX_35_GUIDE})`,
  'gemini-2.5-pro': `${GOOGLE_MODELS}; models.list ("inputTokenLimit": 1048576, "thinking": true); budget 0 rejected (pydantic-ai profiles/google.py)`,
  'gemini-2.5-flash': `${GOOGLE_MODELS}; models.list ("inputTokenLimit": 1048576, "thinking": true)`,
  'gemini-2.5-flash-lite': GOOGLE_MODELS,
  'gemini-2.0-flash': `${GOOGLE_MODELS}; models.list ("inputTokenLimit": 1048576, "outputTokenLimit": 8192)`,
  'gemini-2.5-computer-use-preview-10-2025':
    'ai.google.dev/gemini-api/docs/computer-use (the Gemini 2.5 Computer Use Preview model, browser only, safety_decision in its calls); model id in @ai-sdk/google 4.0.121 google-model-catalog.ts; no source checked gives its limits',
  'gemini-nano-banana-2.1': `${AI_SDK} CHANGELOG 753f2e1 (model id) and google-model-catalog.ts (an image model: no tools, no streaming documented); no source gives its limits`,
  'gemma-4-31b-it':
    'googleapis/js-genai 2.18.0 model list; ai.google.dev/gemini-api/docs/models (Gemma 4)',
  'gemma-4-26b-a4b-it':
    'googleapis/js-genai 2.18.0 model list; ai.google.dev/gemini-api/docs/models (Gemma 4)',
};

const withSource = (row: (typeof knownModelRows)[number]): KnownModel => ({
  ...row,
  source: knownModelSources[row.name] ?? '',
  checked: CHECKED,
});

/**
 * The models gemloop knows, newest first: one row per model id, each with its source and the date
 * it was checked (frozen: every caller reads the same rows). A name not listed here gets
 * capabilities guessed from its shape
 * (`getModelCapabilities`); add a row (in `known-model-rows.ts`) and its source (here) when a model
 * ships.
 */
export const knownModels: readonly KnownModel[] = freezeDeep(knownModelRows.map(withSource));

/**
 * The table row of `model` (`gemini-2.5-flash` or `models/gemini-2.5-flash`), or `undefined` when
 * gemloop does not know the name.
 * @throws {@link InvalidArgumentError} when `model` is not a string.
 */
export function findKnownModel(model: string): KnownModel | undefined {
  checkModelArgument('findKnownModel', model);
  const row = findKnownModelRow(model);
  return row === undefined ? undefined : knownModels[knownModelRows.indexOf(row)];
}
