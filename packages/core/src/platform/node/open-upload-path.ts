/** An open file: its size, and reads at a position. @internal */
export type UploadPathHandle = {
  size: number;
  /** Reads into `into` from `position`; resolves with the bytes read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
};

/**
 * Opens a file path for a Files API upload: its size, and reads at a position, so the upload holds
 * one chunk at a time, never the whole file. @internal
 */
export async function openUploadPath(path: string): Promise<UploadPathHandle> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (into, position) =>
        (await handle.read(into, 0, into.byteLength, position)).bytesRead,
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
