import { VertexAuthError } from '../../errors/vertex-auth-error.ts';
import type { createAdcTokenFunction as NodeCreateAdcTokenFunction } from '../node/create-adc-token-function.ts';

/**
 * Off Node there are no Application Default Credentials: google-auth-library reads key files,
 * gcloud's config and the metadata server, none of which a browser or a worker has (and a bundle
 * must not pull it in). A Vertex client there needs `vertex.getAccessToken`.
 * @internal
 */
export const createAdcTokenFunction: typeof NodeCreateAdcTokenFunction = () => () =>
  Promise.reject(
    new VertexAuthError({
      reason: 'missing-auth-library',
      message:
        'Vertex AI needs an access token: Application Default Credentials (google-auth-library) work on Node only; here pass vertex.getAccessToken.',
    }),
  );
