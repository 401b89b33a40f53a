import { describe, expect, it } from 'vitest';
import { VertexAuthError } from '../../errors/vertex-auth-error.ts';
import { createAdcTokenFunction as createWebAdcTokenFunction } from '../web/create-adc-token-function.ts';
import { createAdcTokenFunction } from './create-adc-token-function.ts';

/** A stand-in for google-auth-library: records what it was built with and hands out `tokens`. */
function fakeAuthLibrary(tokens: (string | null | Error)[]) {
  const built: { scopes: string[] }[] = [];
  let calls = 0;
  class GoogleAuth {
    constructor(options: { scopes: string[] }) {
      built.push(options);
    }
    async getAccessToken(): Promise<string | null> {
      const next = tokens[Math.min(calls++, tokens.length - 1)];
      if (next instanceof Error) throw next;
      return next ?? null;
    }
  }
  return { built, GoogleAuth, calls: () => calls };
}

async function thrown(promise: Promise<unknown>): Promise<VertexAuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!VertexAuthError.isInstance(error))
    throw new Error(`not a VertexAuthError: ${String(error)}`);
  return error;
}

describe('createAdcTokenFunction (Node)', () => {
  it('asks Application Default Credentials for a cloud-platform token, building GoogleAuth once', async () => {
    const library = fakeAuthLibrary(['ya29.first', 'ya29.second']);
    let imports = 0;
    const getToken = createAdcTokenFunction(async () => {
      imports++;
      return { GoogleAuth: library.GoogleAuth };
    });
    expect(await getToken()).toEqual({ token: 'ya29.first', expiresAt: 0 });
    expect(await getToken()).toEqual({ token: 'ya29.second', expiresAt: 0 });
    expect(imports).toBe(1);
    expect(library.built).toEqual([{ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }]);
  });

  it('finds GoogleAuth on the default export, as a CommonJS module gives it', async () => {
    const library = fakeAuthLibrary(['ya29.token']);
    const getToken = createAdcTokenFunction(async () => ({
      default: { GoogleAuth: library.GoogleAuth },
    }));
    expect((await getToken()).token).toBe('ya29.token');
  });

  it('says to install google-auth-library or pass getAccessToken when it cannot load, and tries again next time', async () => {
    const library = fakeAuthLibrary(['ya29.later']);
    let installed = false;
    const missing = Object.assign(new Error("Cannot find package 'google-auth-library'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const getToken = createAdcTokenFunction(async () => {
      if (!installed) throw missing;
      return { GoogleAuth: library.GoogleAuth };
    });
    const error = await thrown(getToken());
    expect(error.reason).toBe('missing-auth-library');
    expect(error.message).toContain('npm install google-auth-library');
    expect(error.message).toContain('vertex.getAccessToken');
    expect(error.cause).toBe(missing);
    installed = true;
    expect((await getToken()).token).toBe('ya29.later');
  });

  it('treats a module without a GoogleAuth class as not installed', async () => {
    for (const module of [{}, { GoogleAuth: 'x' }, { default: {} }, null]) {
      const error = await thrown(createAdcTokenFunction(async () => module)());
      expect(error.reason).toBe('missing-auth-library');
    }
  });

  it('names the credentials failure and how to log in, keeping the cause', async () => {
    const failure = new Error('Could not load the default credentials');
    const getToken = createAdcTokenFunction(async () => ({
      GoogleAuth: fakeAuthLibrary([failure]).GoogleAuth,
    }));
    const error = await thrown(getToken());
    expect(error.reason).toBe('credentials');
    expect(error.message).toContain('Could not load the default credentials');
    expect(error.message).toContain('gcloud auth application-default login');
    expect(error.cause).toBe(failure);
  });

  it('refuses an empty or missing token instead of sending a bare Bearer header', async () => {
    for (const token of ['', null]) {
      const getToken = createAdcTokenFunction(async () => ({
        GoogleAuth: fakeAuthLibrary([token]).GoogleAuth,
      }));
      const error = await thrown(getToken());
      expect(error.reason).toBe('credentials');
      expect(error.message).toContain('empty access token');
    }
  });
});

describe('createAdcTokenFunction (portable build)', () => {
  it('says ADC works on Node only, and to pass vertex.getAccessToken', async () => {
    let imported = false;
    const getToken = createWebAdcTokenFunction(async () => {
      imported = true;
      return {};
    });
    const error = await thrown(getToken());
    expect(error.reason).toBe('missing-auth-library');
    expect(error.message).toContain('work on Node only; here pass vertex.getAccessToken');
    expect(imported).toBe(false);
  });
});
