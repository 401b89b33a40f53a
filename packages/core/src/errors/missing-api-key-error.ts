import { GemloopError } from './gemloop-error.ts';

/** No API key was given and none is set in the environment. */
export class MissingApiKeyError extends GemloopError {
  override readonly code = 'missing-api-key';
  /** The environment variables that were looked at, in order. */
  readonly environmentVariables: readonly string[];

  // `behindBom`: the variable found set behind a byte-order mark ("\uFEFFGEMINI_API_KEY", the
  // first line of a .env saved as "UTF-8 with BOM"), which the message then names.
  constructor({
    environmentVariables,
    behindBom,
  }: {
    environmentVariables: readonly string[];
    behindBom?: string | undefined;
  }) {
    super({
      message:
        `No Gemini API key: pass { apiKey } to createGemini(), or set ${environmentVariables.join(' or ')}. ` +
        (behindBom === undefined
          ? ''
          : `A variable "\\uFEFF${behindBom}" is set: the .env file it came from starts with a byte-order mark (saved as "UTF-8 with BOM"); save it as UTF-8 without one. `) +
        'Get a key at https://aistudio.google.com/apikey (for CometAPI, use your CometAPI key with ' +
        "baseUrl 'https://api.cometapi.com').",
    });
    this.environmentVariables = environmentVariables;
  }

  static override isInstance(error: unknown): error is MissingApiKeyError {
    return GemloopError.hasCode(error, 'missing-api-key');
  }
}
