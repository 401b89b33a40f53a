import { ApiCallError } from '../../errors/api-call-error.ts';
import { UnsupportedEndpointError } from '../../errors/files-and-batches/unsupported-endpoint-error.ts';
import type { ResolvedClientOptions } from '../options/resolve-client-options.ts';

/**
 * Refuses a Files or Batch API method on a Vertex AI client before anything is sent: Vertex reads
 * media from Cloud Storage URIs (`fileData.fileUri: 'gs://...'`) and runs batch prediction jobs
 * through another resource (cloud.google.com/vertex-ai/generative-ai/docs/multimodal/batch-prediction-gemini);
 * `@google/genai` 3.1.0 throws "This method is only supported by the Gemini Developer API" alike.
 * @internal
 */
export function refuseOnVertex(
  client: ResolvedClientOptions,
  method: string,
  advice = 'On Vertex, put media in Cloud Storage and send a fileData part with its gs:// URI, or send the bytes inline (inlineData) where the request stays under the size limit.',
): void {
  if (client.vertex === undefined) return;
  throw new UnsupportedEndpointError({
    message: `${method} is a Gemini API (generativelanguage.googleapis.com) method; Vertex AI does not serve it. ${advice}`,
    method,
    endpoint: client.baseUrl,
    platform: 'vertex',
  });
}

/**
 * A 404 without a Google error body, or a 405, answered for a Files or Batch API route: the
 * endpoint (a gateway such as an OpenAI-style proxy) does not serve the route. A Google 404 (its
 * JSON error with a status such as `NOT_FOUND`) is about the resource, and is left as it is.
 * @internal
 */
export function toUnsupportedEndpoint(
  error: unknown,
  client: ResolvedClientOptions,
  method: string,
): unknown {
  if (!ApiCallError.isInstance(error)) return error;
  const routeMissing =
    error.status === 405 || (error.status === 404 && error.googleStatus === undefined);
  if (!routeMissing) return error;
  return new UnsupportedEndpointError({
    message: `${method} got HTTP ${error.status} from ${client.baseUrl}: this endpoint does not serve the ${method.startsWith('batches') ? 'Batch' : /^(interactions|agents|environments|webhooks|triggers)\./.test(method) ? 'Interactions' : 'Files'} API (Google's Gemini API does). Send media inline (inlineData) where it fits, or use Google's endpoint for this call.`,
    method,
    endpoint: client.baseUrl,
    platform: 'gemini-api',
    status: error.status,
    cause: error,
  });
}
