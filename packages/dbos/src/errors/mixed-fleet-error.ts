import { GemloopError } from '@gemloop/core';

/** Options of {@link MixedFleetError}. */
export type MixedFleetErrorOptions = {
  message: string;
  /** The application version both workers run (DBOS's `applicationVersion`). */
  applicationVersion: string;
  /** The live worker of the other version. */
  executorId: string;
  /** Its @gemloop/dbos version, or `undefined` for a worker from before workers recorded it. */
  otherGemloopVersion: string | undefined;
  /** Its storage format, or `undefined` for a worker from before workers recorded it. */
  otherStorageFormat: number | undefined;
  /** This worker's @gemloop/dbos version (`undefined` where its package.json was not found). */
  gemloopVersion: string | undefined;
  /** This worker's storage format. */
  storageFormat: number;
};

/**
 * `startDurableWorker` refused to join an application version whose live workers write durable
 * records in another storage format: each would take over the other's runs and fail to read what
 * the other wrote (an older worker failed a newer one's run with "undefined is not a function").
 * Give the new deploy its own `applicationVersion`, or stop the old workers first.
 */
export class MixedFleetError extends GemloopError {
  override readonly code: string = 'mixed-fleet';
  readonly applicationVersion: string;
  readonly executorId: string;
  readonly otherGemloopVersion: string | undefined;
  readonly otherStorageFormat: number | undefined;
  readonly gemloopVersion: string | undefined;
  readonly storageFormat: number;

  constructor(options: MixedFleetErrorOptions) {
    super({ message: options.message });
    this.applicationVersion = options.applicationVersion;
    this.executorId = options.executorId;
    this.otherGemloopVersion = options.otherGemloopVersion;
    this.otherStorageFormat = options.otherStorageFormat;
    this.gemloopVersion = options.gemloopVersion;
    this.storageFormat = options.storageFormat;
  }

  /** Whether `error` is a {@link MixedFleetError}, from any copy of the package. */
  static override isInstance(error: unknown): error is MixedFleetError {
    return GemloopError.hasCode(error, 'mixed-fleet');
  }
}
