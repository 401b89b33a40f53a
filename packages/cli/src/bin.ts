#!/usr/bin/env node

/** The process's output streams, each dropped once it failed, and the first failure told. */
type Outputs = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether a write failed for another reason than a reader gone (a full disk). */
  lost: () => boolean;
  /** Aborted once a write to stdout failed: what the command makes for it is read by no one. */
  stdoutGone: AbortSignal;
};

// A reader that goes away (`gemloop probe | head -1`, a log pipe closed under `gemloop fake`) makes
// the next write fail with EPIPE, emitted as an 'error' event that, unhandled, crashes the command
// with a stack trace (and stops a server mid-request). What would go to that stream is dropped
// instead: the command runs on and exits with its own code. Any other failure (ENOSPC of a report
// redirected to a full disk, EIO) was thrown from the write or the handler: Node's report, a stack,
// exit 1 whatever the command was doing. It is told in one line on the other stream, that stream
// is dropped, and the command exits 1 if it would have exited 0, as its output is incomplete.
// why (kept): the process's own output streams that went away: process-wide, as the streams are;
// no run data.
function guardOutputs(): Outputs {
  const closed = new Set<NodeJS.WriteStream>();
  let lost = false;
  const stdoutGone = new AbortController();
  const failed = (stream: NodeJS.WriteStream, error: NodeJS.ErrnoException): void => {
    closed.add(stream);
    if (stream === process.stdout) stdoutGone.abort();
    if (error.code === 'EPIPE' || lost) return;
    lost = true;
    const [name, other] =
      stream === process.stdout ? ['stdout', process.stderr] : ['stderr', process.stdout];
    write(
      other,
      `gemloop: writing to ${name} failed (${error.message}); the output is incomplete.\n`,
    );
  };
  const write = (stream: NodeJS.WriteStream, text: string): void => {
    if (closed.has(stream)) return;
    try {
      stream.write(text);
    } catch (error) {
      failed(stream, error as NodeJS.ErrnoException);
    }
  };
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => failed(stream, error));
  }
  return {
    stdout: (text) => write(process.stdout, text),
    stderr: (text) => write(process.stderr, text),
    lost: () => lost,
    stdoutGone: stdoutGone.signal,
  };
}

/**
 * Ends the process on an error no command caught (a module the command loaded that rejects a
 * promise nobody awaits or throws from a callback, a throw out of `main`): one line on stderr and
 * exit 1. Before, Node's report printed the source line, the stack with the install's paths and the
 * message raw: a password the module quoted, a terminal escape. The message goes through
 * `describeImportFailure` (the shell's credentials redacted, controls escaped, cut at 1,000),
 * loaded only now: it brings @gemloop/core's redactor, ~0.2 s a start no command should pay.
 */
function guardCrashes(outputs: Outputs): void {
  let crashing = false;
  const crashed = (error: unknown): void => {
    if (crashing) return;
    crashing = true;
    void import('./describe-import-failure.ts')
      .then(({ describeImportFailure }) => describeImportFailure(error, process.env))
      .catch(() => 'its message could not be shown')
      .then((shown) => {
        outputs.stderr(`gemloop: unexpected error: ${shown}\n`);
        process.exit(1);
      });
  };
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);
}

const outputs = guardOutputs();
guardCrashes(outputs);
// Loaded once the net is in place: a throw while loading the CLI is caught by it too.
const { main } = await import('./cli.ts');
const code = await main(process.argv.slice(2), {
  stdout: outputs.stdout,
  stderr: outputs.stderr,
  env: process.env,
  stdoutGone: outputs.stdoutGone,
});
process.exitCode = code;
// A write's failure is emitted after the write returned, often after main did: judged at exit.
process.on('exit', () => {
  if (process.exitCode === 0 && outputs.lost()) process.exitCode = 1;
});
