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

/** A row of the table as the request path reads it: a `KnownModel` without where it was read. */
export type KnownModelRow = Omit<KnownModel, 'source' | 'checked'>;
