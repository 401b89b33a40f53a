import type { UploadPathHandle } from '../../http/files/read-upload-source.ts';

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
