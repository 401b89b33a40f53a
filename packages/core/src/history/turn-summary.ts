import type { HistoryIssue } from './history-issue.ts';

/** A `functionCall` or `functionResponse` found in a content. @internal */
export type FunctionPartSummary = {
  partIndex: number;
  id: string | undefined;
  name: string | undefined;
};

/**
 * What the pairing rules need to know about one content. It does not say where the content is,
 * so the summary of a content already checked can be kept and reused in a longer history.
 * @internal
 */
export type TurnSummary = {
  /** `invalid` for a non-object content or an unknown role: pairing rules skip it. */
  role: 'user' | 'model' | 'invalid';
  calls: FunctionPartSummary[];
  responses: FunctionPartSummary[];
};

/**
 * How {@link checkFunctionTurns} pairs calls with responses. @internal
 */
export type PairingOptions = {
  /**
   * `true`: gemloop's own shape, one content per side (a model content of calls answered by the
   * next content, a user content with one response per call). `false`: what the API accepts,
   * consecutive contents of one role read as one turn (see {@link checkFunctionTurns}).
   */
  strict?: boolean | undefined;
  /** Where the lenient rules report a shape the API may accept (a response name that differs). */
  onWarning?: ((issue: HistoryIssue) => void) | undefined;
};
