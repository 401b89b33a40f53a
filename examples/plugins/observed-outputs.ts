import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@gemloop/core/logging';
import { createRunRecorder } from '@gemloop/core/recorder';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach } from 'vitest';
import { spansAsText } from './outside-attack-kit.ts';

// What leaves the process of a run, for the outside attacks that look for the key in it
// (abort-reasons.attacks.test.ts, ../multimodal/hostile-media.attacks.test.ts): a trace-level
// log, OpenTelemetry spans with content recorded, and a full-fidelity run file in a folder
// removed after each test.

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** What {@link observedOutputs} gives: agent options, and what reached each output, as text. */
export type ObservedOutputs = {
  options: {
    logger: Logger;
    recorder: ReturnType<typeof createRunRecorder>;
    telemetry: { tracerProvider: BasicTracerProvider; recordContent: true; conventions: 'latest' };
  };
  read(): Promise<{ recorded: string; spans: string; logs: string }>;
};

/** Agent options that send a run's logs, spans and recording here, and `read` for them as text. */
export async function observedOutputs(): Promise<ObservedOutputs> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-observed-'));
  dirs.push(dir);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const recorder = createRunRecorder({ dir, fidelity: 'full' });
  const lines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  const read = async () => {
    await recorder.flush();
    const files = await readdir(dir);
    const recorded = (
      await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')))
    ).join('\n');
    return { recorded, spans: spansAsText(exporter.getFinishedSpans()), logs: lines.join('') };
  };
  return {
    options: {
      logger,
      recorder,
      telemetry: { tracerProvider, recordContent: true, conventions: 'latest' as const },
    },
    read,
  };
}
