import { GemloopError } from './gemloop-error.ts';

/** No API key was given and none is set in the environment. */
export class MissingApiKeyError extends GemloopError {
  override readonly code = 'missing-api-key';
  /** The environment variables that were looked at, in order. */
  readonly environmentVariables: readonly string[];

  constructor({ environmentVariables }: { environmentVariables: readonly string[] }) {
    super({
      message:
        `No Gemini API key: pass { apiKey } to createGemini(), or set ${environmentVariables.join(' or ')}. ` +
        'Get a key at https://aistudio.google.com/apikey (for CometAPI, use your CometAPI key with ' +
        "baseUrl 'https://api.cometapi.com').",
    });
    this.environmentVariables = environmentVariables;
  }

  static override isInstance(error: unknown): error is MissingApiKeyError {
    return GemloopError.hasCode(error, 'missing-api-key');
  }
}
