import type { importOtelApi as NodeImportOtelApi } from '../node/import-otel-api.ts';

// A variable, not a literal: a bundler would otherwise require the optional peer to be installed
// for every app, traced or not. At run time it resolves where bare specifiers do (an import map,
// a runtime with npm resolution); in a bundle without it, telemetry fails to start, the run not.
const OTEL_API = '@opentelemetry/api';

/** The optional peer @opentelemetry/api, imported at run time, unseen by bundlers. @internal */
export const importOtelApi: typeof NodeImportOtelApi = () =>
  import(/* @vite-ignore */ /* webpackIgnore: true */ OTEL_API);
