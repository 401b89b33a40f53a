import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import {
  checkOptionsCopy,
  defineOptions,
  functionOption,
  optionCheck,
  required,
} from '../../options/define-options.ts';

/** An OAuth access token and, when known, when it expires. */
export type VertexAccessToken = {
  token: string;
  /** When the token expires (a Date or epoch milliseconds). Unknown: taken as one hour. */
  expiresAt?: Date | number | undefined;
};

/** The `vertex` option of `createGemini`: call Gemini on Vertex AI instead of the Gemini API. */
export type VertexOptions = {
  /** The Google Cloud project id (or number). */
  project: string;
  /** The region, e.g. `us-central1`, or `global` for the global endpoint. */
  location: string;
  /**
   * Returns an OAuth access token with the `cloud-platform` scope. The client caches it and asks
   * again five minutes before it expires. @defaultValue Application Default Credentials through
   * the optional peer `google-auth-library` (install it: `npm install google-auth-library`).
   */
  getAccessToken?:
    | (() => Promise<string | VertexAccessToken> | string | VertexAccessToken)
    | undefined;
};

/** {@link VertexOptions} checked. @internal */
export type ResolvedVertex = {
  project: string;
  location: string;
  getAccessToken: VertexOptions['getAccessToken'];
};

// Project ids are lower-case words and dashes, numbers are digits, and domain-scoped ids hold a
// `domain:` prefix; none holds a slash, so the value cannot change the path it is put in.
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9.:_-]{0,127}$/;
const LOCATION = /^[a-z][a-z0-9-]{0,62}$/;

/** The Vertex AI API version of generateContent. */
export const DEFAULT_VERTEX_API_VERSION = 'v1';

/**
 * Checks the `vertex` option.
 * @throws {@link InvalidArgumentError} naming the field and the fix.
 * @internal
 */
export function checkVertexOptions(vertex: unknown): ResolvedVertex {
  if (typeof vertex !== 'object' || vertex === null || Array.isArray(vertex)) {
    throw invalid(
      'vertex',
      "vertex must be an object { project: 'my-project', location: 'us-central1' }.",
    );
  }
  // Checked and read from one copy (attack23): `location` names the endpoint's host, and a getter
  // gave the check 'us-central1' and the client any other.
  const { project, location, getAccessToken } = checkOptionsCopy(vertexOptions, vertex);
  return { project, location, getAccessToken };
}

/** The fields of the `vertex` option, declared once (their type is {@link VertexOptions}). */
const vertexOptions = defineOptions<VertexOptions>({
  name: 'vertex',
  path: 'vertex',
  example: "{ project: 'my-project', location: 'us-central1' }",
  checks: {
    project: required(
      optionCheck(
        (project) => typeof project === 'string' && PROJECT.test(project),
        (path, project) =>
          `${path} must be a Google Cloud project id such as 'my-project-123'; got ${JSON.stringify(project)}.`,
      ),
    ),
    location: required(
      optionCheck(
        (location) => typeof location === 'string' && LOCATION.test(location),
        (path, location) =>
          `${path} must be a region such as 'us-central1', or 'global'; got ${JSON.stringify(location)}.`,
      ),
    ),
    getAccessToken: functionOption(
      'vertex.getAccessToken must be a function returning an access token (or { token, expiresAt }).',
    ),
  },
});

/**
 * Vertex AI's endpoint for a location: `https://{location}-aiplatform.googleapis.com`, or
 * `https://aiplatform.googleapis.com` for `global` (Vertex AI "global endpoint" docs).
 * @internal
 */
export function vertexBaseUrl(location: string): string {
  return location === 'global'
    ? 'https://aiplatform.googleapis.com'
    : `https://${location}-aiplatform.googleapis.com`;
}

/**
 * The prefix model paths are appended to: `{base}/{version}/projects/{p}/locations/{l}/publishers/google/`,
 * so `models/{m}:generateContent` completes the Vertex URL.
 * @internal
 */
export function vertexRoot(baseUrl: string, apiVersion: string, vertex: ResolvedVertex): string {
  return `${baseUrl}/${apiVersion}/projects/${vertex.project}/locations/${vertex.location}/publishers/google/`;
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
