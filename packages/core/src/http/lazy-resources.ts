import { LoadOnce } from '../shared/load-once.ts';
import type { BatchJob } from '../wire/batch.ts';
import type { GeminiFile } from '../wire/file.ts';
import type { Batches } from './batches/batches.ts';
import type { Files } from './files/files.ts';

/**
 * `gemini.files`, its module loaded by the first call (as `gemini.caches`: the root must stay cheap
 * to import, bench/README.md "Cold import"). A failed load is not kept.
 * @internal
 */
export function createLazyFiles(load: () => Promise<Files>): Files {
  const lazy = new LoadOnce(load);
  const use = <T>(call: (loaded: Files) => Promise<T>): Promise<T> =>
    lazy.value !== undefined ? call(lazy.value) : lazy.load().then(call);
  async function* listAll(options: Parameters<Files['listAll']>[0]): AsyncGenerator<GeminiFile> {
    yield* (await lazy.load()).listAll(options);
  }
  return {
    upload: (source, options) => use((loaded) => loaded.upload(source, options)),
    get: (name, options) => use((loaded) => loaded.get(name, options)),
    list: (options) => use((loaded) => loaded.list(options)),
    listAll,
    delete: (name, options) => use((loaded) => loaded.delete(name, options)),
    download: (name, options) => use((loaded) => loaded.download(name, options)),
    waitUntilActive: (file, options) => use((loaded) => loaded.waitUntilActive(file, options)),
  };
}

/** `gemini.batches`, loaded by the first call. @internal */
export function createLazyBatches(load: () => Promise<Batches>): Batches {
  const lazy = new LoadOnce(load);
  const use = <T>(call: (loaded: Batches) => Promise<T>): Promise<T> =>
    lazy.value !== undefined ? call(lazy.value) : lazy.load().then(call);
  async function* listAll(options: Parameters<Batches['listAll']>[0]): AsyncGenerator<BatchJob> {
    yield* (await lazy.load()).listAll(options);
  }
  return {
    create: (request, options) => use((loaded) => loaded.create(request, options)),
    get: (name, options) => use((loaded) => loaded.get(name, options)),
    list: (options) => use((loaded) => loaded.list(options)),
    listAll,
    cancel: (name, options) => use((loaded) => loaded.cancel(name, options)),
    delete: (name, options) => use((loaded) => loaded.delete(name, options)),
    wait: (job, options) => use((loaded) => loaded.wait(job, options)),
    results: (job, options) => use((loaded) => loaded.results(job, options)),
  };
}
