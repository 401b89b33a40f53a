import type * as OtelApi from '@opentelemetry/api';

/** The optional peer @opentelemetry/api, imported when telemetry first runs. @internal */
export function importOtelApi(): Promise<typeof OtelApi> {
  return import('@opentelemetry/api');
}
