import { checkModelArgument, checkUsageArgument } from '../models/check-model-argument.ts';
import type { UsdPerMillion } from '../models/usd.ts';
import { picosPerToken, picosToDollars } from '../models/usd.ts';
import { describeValue, invalidOption } from '../options/define-options.ts';
import type { ModalityTokenCount, UsageMetadata } from '../wire/response.ts';

/** What one Live model costs, US dollars per 1M tokens, audio apart in and out. */
export type LivePrice = {
  /** Text (and image, video) input tokens. */
  input: UsdPerMillion;
  /** Audio input tokens (`promptTokensDetails` modality `AUDIO`). */
  audioInput: UsdPerMillion;
  /** Text output tokens, thinking included. */
  output: UsdPerMillion;
  /** Audio output tokens (`responseTokensDetails` modality `AUDIO`). */
  audioOutput: UsdPerMillion;
  /** Where the price was read. */
  source: string;
};

/**
 * What a Live usage report cost, in US dollars as exact decimal strings; `null` amounts and
 * `unknown` when the model has no price.
 */
export type LiveCost = {
  currency: 'USD';
  total: string | null;
  /** Text (image, video) input, tool-use prompt tokens included. */
  input: string | null;
  audioInput: string | null;
  /** Text output. */
  output: string | null;
  audioOutput: string | null;
  /** Thinking tokens, at the text output rate. */
  thinking: string | null;
  unknown?: string | undefined;
};

const GATEWAY =
  'vercel.com/ai-gateway/models (Gemini Live: "$0.75/1M input tokens, $4.5/1M output tokens", linking ai.google.dev/gemini-api/docs/pricing)';
const PER_HOUR =
  'Google\'s launch pricing of 2026-03-26 as reported by yet-another-changelog.ai ("$0.35/hour for audio input and $1.40/hour for audio output"), at Gemini\'s 32 audio tokens a second (ai.google.dev/gemini-api/docs/audio): $3.00 and $12.00 per 1M tokens are $0.3456 and $1.3824 an hour';

/**
 * gemloop's prices of the Live models (Gemini Developer API, standard tier). Text rates from
 * Google's pricing page as quoted by gateways (futureagi.com and core.today for
 * gemini-3.1-flash-live-preview, verified 2026-05-12); audio rates from Google's hourly launch
 * prices converted at 32 tokens a second (see `source`). Pass `prices` to
 * `createLiveSession` where your bill says otherwise.
 */
export const LIVE_PRICES: Readonly<Record<string, LivePrice>> = {
  'gemini-3.1-flash-live-preview': {
    input: '0.75',
    audioInput: '3.00',
    output: '4.50',
    audioOutput: '12.00',
    source: `${GATEWAY}; futureagi.com/llm-cost-calculator/google/gemini-3-1-flash-live-preview; ${PER_HOUR}`,
  },
};

/**
 * A Live `usageMetadata` report: the generateContent fields, with the answer counted as
 * `responseTokenCount` / `responseTokensDetails` (@google/genai `UsageMetadata` of
 * `LiveServerMessage`).
 */
export type LiveUsage = UsageMetadata & {
  responseTokenCount?: number | undefined;
  responseTokensDetails?: ModalityTokenCount[] | undefined;
};

function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

function audioOf(details: readonly ModalityTokenCount[] | undefined): number {
  let total = 0;
  for (const detail of Array.isArray(details) ? details : []) {
    if (detail?.modality === 'AUDIO') total += count(detail.tokenCount);
  }
  return total;
}

/**
 * What one Live `usageMetadata` report cost on `model`: audio input and audio output at their own
 * rates, the rest of the prompt (tool-use prompt tokens too) at the input rate, text output and
 * thinking at the output rate. Live reports count the answer as `responseTokenCount` (not
 * `candidatesTokenCount`; @google/genai `UsageMetadata` of `LiveServerMessage`). Each report is
 * billed: a turn re-bills its context ("re-billing applies to all tokens, including raw audio from
 * previous turns", Google's answer at discuss.ai.google.dev/t/140340), so a session's cost is the
 * sum of its reports'. Pure.
 * @throws {@link InvalidArgumentError} when `usage` or `prices` is not an object, or `model` not a
 * string (a bare TypeError before: attack14).
 */
export function liveCostOf(
  usage: LiveUsage,
  model: string,
  prices: Readonly<Record<string, LivePrice>> = LIVE_PRICES,
): LiveCost {
  checkUsageArgument('liveCostOf', usage);
  checkModelArgument('liveCostOf', model);
  if (typeof prices !== 'object' || prices === null || Array.isArray(prices)) {
    throw invalidOption(
      'prices',
      `liveCostOf: prices must be an object of Live prices by model id (as LIVE_PRICES); got ${describeValue(prices)}.`,
    );
  }
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  const price = Object.hasOwn(prices, id) ? prices[id] : undefined;
  const record = usage;
  const prompt = count(record.promptTokenCount) + count(record.toolUsePromptTokenCount);
  const audioIn = Math.min(
    audioOf(record.promptTokensDetails) + audioOf(record.toolUsePromptTokensDetails),
    prompt,
  );
  const response = count(record.responseTokenCount ?? record.candidatesTokenCount);
  const audioOut = Math.min(
    audioOf(record.responseTokensDetails ?? record.candidatesTokensDetails),
    response,
  );
  const thoughts = count(record.thoughtsTokenCount);
  if (price === undefined) {
    return {
      currency: 'USD',
      total: null,
      input: null,
      audioInput: null,
      output: null,
      audioOutput: null,
      thinking: null,
      unknown: `no Live price for ${id}; give one with the session's prices option`,
    };
  }
  const input = BigInt(prompt - audioIn) * picosPerToken(price.input, 'input');
  const audioInput = BigInt(audioIn) * picosPerToken(price.audioInput, 'audioInput');
  const outputRate = picosPerToken(price.output, 'output');
  const output = BigInt(response - audioOut) * outputRate;
  const audioOutput = BigInt(audioOut) * picosPerToken(price.audioOutput, 'audioOutput');
  const thinking = BigInt(thoughts) * outputRate;
  return {
    currency: 'USD',
    total: picosToDollars(input + audioInput + output + audioOutput + thinking),
    input: picosToDollars(input),
    audioInput: picosToDollars(audioInput),
    output: picosToDollars(output),
    audioOutput: picosToDollars(audioOutput),
    thinking: picosToDollars(thinking),
  };
}
