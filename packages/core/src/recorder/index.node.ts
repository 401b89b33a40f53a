// @gemloop/core/recorder on Node (and Bun and Deno, which take the `node` export condition): the
// portable entry plus createRunRecorder, which writes to the file system.

export { createLiveRecorder } from './create-live-recorder.ts';
export { createRunRecorder } from './create-run-recorder.ts';
export * from './index.ts';
export {
  createRecordedMediaResolver,
  type RecordedMediaResolver,
} from './resolve-recorded-media.ts';
