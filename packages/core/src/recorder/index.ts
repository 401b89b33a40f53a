// @gemloop/core/recorder: the run recorder, which writes each run as JSON lines a viewer (the
// `gemloop view` CLI) replays. This is the portable entry: the recorded format and its types.
// The recorder itself writes files, so only Node (and Bun and Deno) get it, from `index.node.ts`.

export type { RunRecorder, RunRecorderOptions } from './create-run-recorder.ts';
export type {
  LiveRecorder,
  LiveRecorderOptions,
  LiveRecording,
  LiveRecordingInfo,
} from './live-recorder-options.ts';
export type {
  LiveRecorderEvent,
  RecordedAudio,
  RecordedLiveLine,
  RecordedLiveUsage,
} from './recorded-live.ts';
export {
  MAX_RECORDED_LIVE_TEXT_CHARS,
  MAX_RECORDED_LIVE_VALUE_CHARS,
  RECORDED_LIVE_FORMAT,
} from './recorded-live.ts';
export type { RecordedError, RecordedFidelity, RecordedRunLine } from './recorded-run.ts';
export {
  MAX_FULL_RUN_START_BYTES,
  MAX_RECORDED_PLUGIN_DATA_CHARS,
  MAX_RECORDED_STEER_CHARS,
  OMITTED_OPAQUE_VALUE,
  RECORDED_MEDIA_REFERENCE,
  RECORDED_RUN_FORMAT,
} from './recorded-run.ts';
