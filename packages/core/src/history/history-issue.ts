/**
 * What is wrong with a history, as a stable machine-readable code. Each code is a shape the
 * Gemini API rejects with a 400 (or, for `missing-thought-signature`, rejects on Gemini 3), or,
 * where marked, one that only `validateHistory`'s `strict` mode refuses (the default reports it
 * to `onWarning`, or accepts it).
 */
export type HistoryIssueCode =
  /** `contents` is not an array, or reading it threw (a Proxy). `contentIndex` is -1. */
  | 'invalid-contents'
  /** `contents` is an empty array. `contentIndex` is -1. */
  | 'empty-contents'
  /** An entry of `contents` is not an object, or reading it threw (a getter or a Proxy). */
  | 'invalid-content'
  /** `role` is neither `user` nor `model` (e.g. `function`, `assistant`, `system`, `tool`). */
  | 'invalid-role'
  /** `parts` is missing or empty. */
  | 'empty-parts'
  /**
   * `parts` is not an array, or one of its entries is not an object or could not be read (a
   * getter or a Proxy threw).
   */
  | 'invalid-part'
  /**
   * A part sets none of the data fields (`text`, `functionCall`, ...), e.g. `{}`. A part holding
   * only `videoMetadata` is accepted after a video part (strict: refused) and a warning elsewhere.
   * A model turn's part with a field gemloop does not know (a newer API's kind of part) is
   * accepted: the API that wrote it decides.
   */
  | 'missing-part-data'
  /** A part sets two data fields (`text` and `functionCall`). */
  | 'multiple-part-data'
  /** A part's `text` is not a string (a number, an object): the API rejects it. */
  | 'invalid-text'
  /** A `functionCall` without a name, or with `args` that are not an object. */
  | 'invalid-function-call'
  /** A `functionResponse` without a name. */
  | 'invalid-function-response'
  /** `functionResponse.response` is not an object (an array, a string, a number). */
  | 'function-response-not-object'
  /** A `thoughtSignature` that is not a base64 string. */
  | 'invalid-thought-signature'
  /**
   * The `mimeType` of a part's `inlineData` or `fileData` (or of a `functionResponse`'s media) is
   * no MIME type at all: not a string, empty, over 255 characters, a control character, or no
   * `/`. Which well-formed types a model reads is left to the API.
   */
  | 'invalid-mime-type'
  /**
   * The `data` of a part's `inlineData` (or of a `functionResponse`'s media) is no base64: a data
   * URL, a URL, text, bytes not encoded (a Buffer), a number. The API reads it as base64 and
   * answers 400 "Base64 decoding failed", quoting the value.
   */
  | 'invalid-inline-data'
  /** A `functionCall` part in a `user` content. */
  | 'function-call-not-in-model-turn'
  /** A `functionResponse` part in a `model` content. */
  | 'function-response-not-in-user-turn'
  /** One content holds both `functionCall` and `functionResponse` parts. */
  | 'function-call-and-response-mixed'
  /**
   * A model function-call turn at the start of the history; strict also refuses one right after
   * another model content (by default consecutive model contents are one turn).
   */
  | 'function-call-turn-position'
  /**
   * Function responses that do not follow a model function-call turn (strict: that are not in
   * the one content right after it).
   */
  | 'function-response-without-call'
  /**
   * The user content(s) answering a call turn hold a different number of `functionResponse`
   * parts than the turn has calls. By default a turn is a run of consecutive contents of one role
   * (the API's reading); strict counts the one content after each call content.
   */
  | 'function-response-count'
  /** A `functionResponse.id` that matches no call id of the turn (when the calls had ids). */
  | 'function-response-id-mismatch'
  /**
   * A `functionResponse.name` that differs from the name of the call it answers. Strict only;
   * by default a warning (`onWarning`): no recording shows the API refusing it.
   */
  | 'function-response-name-mismatch'
  /** A model function-call turn not followed by its responses (allowed only as the last content). */
  | 'function-call-without-response'
  /** Gemini 3: the first `functionCall` of a model turn in the active loop has no signature. */
  | 'missing-thought-signature';

/**
 * One problem {@link validateHistory} found. `message` names the field and says how to fix it;
 * it never contains part contents beyond function names and ids.
 */
export type HistoryIssue = {
  code: HistoryIssueCode;
  /** Index in `contents`; -1 for problems of the list itself. */
  contentIndex: number;
  /** Index in `contents[contentIndex].parts`, when one part is at fault. */
  partIndex?: number | undefined;
  message: string;
};
