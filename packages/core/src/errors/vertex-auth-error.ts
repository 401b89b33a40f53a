import { GemloopError } from './gemloop-error.ts';

/**
 * Why a Vertex AI access token could not be had:
 * - `missing-auth-library`: no `getAccessToken` was given and the optional peer
 *   `google-auth-library` (Application Default Credentials) is not installed;
 * - `credentials`: Application Default Credentials failed (none configured, expired login);
 * - `token-function`: the `getAccessToken` function threw or returned no token.
 */
export type VertexAuthErrorReason = 'missing-auth-library' | 'credentials' | 'token-function';

/**
 * No OAuth access token for Vertex AI. The message says what to install or configure; the token
 * itself is never in it.
 */
export class VertexAuthError extends GemloopError {
  override readonly code = 'vertex-auth';
  readonly reason: VertexAuthErrorReason;

  constructor({
    reason,
    message,
    cause,
  }: {
    reason: VertexAuthErrorReason;
    message: string;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
  }

  static override isInstance(error: unknown): error is VertexAuthError {
    return GemloopError.hasCode(error, 'vertex-auth');
  }
}
