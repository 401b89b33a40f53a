export { DEFAULT_ALLOWED_CONTENT_TYPES } from './content-type.ts';
export type { WebFetchToolOptions } from './create-web-fetch-tool.ts';
export { createWebFetchTool } from './create-web-fetch-tool.ts';
export type { LookupFunction, ResolvedAddress } from './resolve-host.ts';
export type { WebFetchErrorReason } from './web-fetch-error.ts';
export { WebFetchError } from './web-fetch-error.ts';
export type { WebFetchArgs, WebFetchResult } from './web-fetch-types.ts';
