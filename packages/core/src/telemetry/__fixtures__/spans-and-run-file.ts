import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeTurn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createGemini } from '../../http/create-gemini.ts';
import { createRunRecorder } from '../../recorder/create-run-recorder.ts';

/** What {@link spansAndRunFile} gives a test: agent options, the spans, the run file's lines. */
export type SpansAndRunFile = {
  /** `gemini`, `model`, `recorder` and `telemetry` (latest conventions, content captured). */
  options: {
    gemini: ReturnType<typeof createGemini>;
    model: string;
    recorder: ReturnType<typeof createRunRecorder>;
    telemetry: {
      tracerProvider: BasicTracerProvider;
      conventions: 'latest';
      recordContent: true;
    };
  };
  exporter: InMemorySpanExporter;
  /** The lines of the one run file, once every write is flushed. */
  lines: () => Promise<Record<string, unknown>[]>;
  /** Stops the fake Gemini and removes the run folder. */
  close: () => Promise<void>;
};

/**
 * An agent's observers, both at once, for one run of `script` on a fake Gemini: an in-memory
 * span exporter and a run recorder in a temporary folder (attack tests of what reaches the spans
 * and the run file).
 */
export async function spansAndRunFile(script: FakeTurn[]): Promise<SpansAndRunFile> {
  const fake = createFakeGemini({ script });
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'spans-and-run-file-'));
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const recorder = createRunRecorder({ dir });
  return {
    options: {
      gemini: createGemini({ baseUrl: url, apiKey: 'secret-test-key-0123456789', retry: false }),
      model: 'gemini-2.5-flash',
      recorder,
      telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
    },
    exporter,
    lines: async () => {
      await recorder.flush();
      const [file] = await readdir(dir);
      return (await readFile(join(dir, file as string), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    close: async () => {
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
