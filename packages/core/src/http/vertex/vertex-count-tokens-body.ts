import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { CountTokensBody } from '../../wire/models.ts';

// Fields of a request that hold no tokens: a count without them is the same count.
const UNCOUNTED = new Set(['model', 'toolConfig', 'safetySettings']);
const VERTEX_COUNTED = new Set(['contents', 'systemInstruction', 'tools', 'generationConfig']);

/**
 * A `countTokens` body as Vertex AI reads it: Vertex has no `generateContentRequest` and takes
 * `systemInstruction`, `tools` and `generationConfig` beside `contents` (aiplatform v1
 * `CountTokensRequest`; js-genai's `countTokensConfigToVertex` writes them there). A field that
 * would change the count but that Vertex cannot take (`cachedContent`, ...) is refused, by name.
 * @throws {@link InvalidArgumentError}
 * @internal
 */
export function toVertexCountTokensBody(body: CountTokensBody): CountTokensBody {
  const whole = body.generateContentRequest;
  if (whole === undefined) return body;
  const vertex: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(whole)) {
    if (value === undefined || UNCOUNTED.has(key)) continue;
    if (!VERTEX_COUNTED.has(key)) {
      throw new InvalidArgumentError({
        argument: `request.generateContentRequest.${key}`,
        message: `Vertex AI's countTokens takes contents, systemInstruction, tools and generationConfig only; remove ${key} from request.generateContentRequest${key === 'cachedContent' ? ' (count the cached contents with caches.get, whose usageMetadata has their tokens)' : ''}.`,
      });
    }
    vertex[key] = value;
  }
  return vertex as CountTokensBody;
}
