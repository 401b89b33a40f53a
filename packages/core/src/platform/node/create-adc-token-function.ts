import { VertexAuthError } from '../../errors/vertex-auth-error.ts';
import type { VertexAccessToken } from '../../http/vertex/vertex-options.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
// A variable, not a literal: the peer is optional, so neither tsc nor a bundler may require it.
const AUTH_LIBRARY = 'google-auth-library';

type GoogleAuthModule = {
  GoogleAuth: new (options: {
    scopes: string[];
  }) => {
    getAccessToken(): Promise<string | null | undefined>;
  };
};

/**
 * Application Default Credentials. google-auth-library caches the token and refreshes it before
 * expiry itself, and does not say when its token expires: so the token is returned as already
 * due (`expiresAt: 0`), and each call asks the library, which answers from its cache.
 * @internal
 */
export function createAdcTokenFunction(
  importAuthLibrary: () => Promise<unknown> = () => import(AUTH_LIBRARY),
): () => Promise<VertexAccessToken> {
  let auth: InstanceType<GoogleAuthModule['GoogleAuth']> | undefined;
  return async () => {
    if (auth === undefined) {
      let library: GoogleAuthModule;
      try {
        const loaded = (await importAuthLibrary()) as Partial<GoogleAuthModule> & {
          default?: Partial<GoogleAuthModule>;
        };
        const GoogleAuth = loaded.GoogleAuth ?? loaded.default?.GoogleAuth;
        if (typeof GoogleAuth !== 'function') throw new TypeError('GoogleAuth is not exported');
        library = { GoogleAuth };
      } catch (cause) {
        throw new VertexAuthError({
          reason: 'missing-auth-library',
          message:
            'Vertex AI needs an access token: install the optional peer google-auth-library ' +
            '(`npm install google-auth-library`) to use Application Default Credentials, or pass ' +
            'vertex.getAccessToken.',
          cause,
        });
      }
      auth = new library.GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
    }
    let token: string | null | undefined;
    try {
      token = await auth.getAccessToken();
    } catch (cause) {
      throw new VertexAuthError({
        reason: 'credentials',
        message:
          `Application Default Credentials gave no Vertex AI access token: ${describeThrown(cause)}. ` +
          'Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a ' +
          'service-account key file, or pass vertex.getAccessToken.',
        cause,
      });
    }
    if (typeof token !== 'string' || token === '') {
      throw new VertexAuthError({
        reason: 'credentials',
        message:
          'Application Default Credentials returned an empty access token. Run `gcloud auth application-default login` or pass vertex.getAccessToken.',
      });
    }
    return { token, expiresAt: 0 };
  };
}
