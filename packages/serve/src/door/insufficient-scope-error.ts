import { GemloopError } from '@gemloop/core/errors';

/**
 * Thrown by a door's `authorize` for a valid token that lacks a scope the request needs: the MCP
 * door answers `403` with `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`
 * (RFC 6750 §3.1), the step-up the MCP authorization spec (2025-11-25, "Scope Challenge
 * Handling") has clients answer by asking the user for those scopes.
 */
export class InsufficientScopeError extends GemloopError {
  override readonly code = 'insufficient-scope';
  /** The scopes the request needs, as the challenge names them. */
  readonly scopes: readonly string[];

  constructor({ scopes }: { scopes: readonly string[] }) {
    super({
      message: `The token lacks a scope this request needs: ask for ${scopes.join(' ')}.`,
    });
    this.scopes = [...scopes];
  }

  static override isInstance(error: unknown): error is InsufficientScopeError {
    return GemloopError.hasCode(error, 'insufficient-scope');
  }
}
