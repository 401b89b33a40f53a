// @gemloop/core/estimate: what a run will cost, before it runs.

export {
  type EstimateBand,
  type EstimateRunOptions,
  estimateRun,
  type RunEstimate,
  type RunSample,
} from './estimate-run.ts';
