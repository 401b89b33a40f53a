// @gemloop/serve/doors: every door on one handler (mountDoors), and a door as an OAuth 2.0
// resource server (createProtectedResource, authorizeBearer) (docs/serving-mcp.md, "Auth").

export type { FetchHandler } from '../openai/create-openai-handler.ts';
export {
  type CreateDoorHistoryStoreOptions,
  createDoorHistoryStore,
  type DoorHistoryStore,
} from './create-door-history-store.ts';
export type { AllowedHostsOption, DoorAccessOptions, DoorConnection } from './host-policy.ts';
export { InsufficientScopeError } from './insufficient-scope-error.ts';
export { type MediaPartFault, MediaPartRefusedError } from './media-part-refused-error.ts';
export type {
  MountDoorsOptions,
  MountedDoors,
  SharedDoorOptions,
} from './mount-doors.ts';
export { mountDoors } from './mount-doors.ts';
export type { AllowedOriginsOption } from './origin-policy.ts';
export type {
  ProtectedResource,
  ProtectedResourceMetadata,
  ProtectedResourceOptions,
} from './protected-resource.ts';
export { authorizeBearer, createProtectedResource, readBearerToken } from './protected-resource.ts';
export {
  type PageMessage,
  type PageRefusal,
  type ReadPageMessageOptions,
  readPageMessage,
  toPageRefusal,
} from './read-page-message.ts';
