/** How the API key is sent. Google takes the header; CometAPI takes either. */
export type AuthStyle = 'x-goog-api-key' | 'bearer';

/**
 * How a client authenticates, for error messages: an {@link AuthStyle} with an API key, or
 * `vertex-oauth` (a Vertex AI client's OAuth access token).
 * @internal
 */
export type CredentialStyle = AuthStyle | 'vertex-oauth';
