#!/usr/bin/env node
import { main } from './cli.ts';

// A reader that goes away (`gemloop probe | head -1`, a log pipe closed under `gemloop fake`) makes
// the next write fail with EPIPE, emitted as an 'error' event that, unhandled, crashes the command
// with a stack trace (and stops a server mid-request). What would go to that stream is dropped
// instead: the command runs on and exits with its own code.
// why (kept): the process's own output streams that went away: process-wide, as the streams are; no
// run data.
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed.add(stream);
  });
}

function writeTo(stream: NodeJS.WriteStream): (text: string) => void {
  return (text) => {
    if (!closed.has(stream)) stream.write(text);
  };
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: writeTo(process.stdout),
  stderr: writeTo(process.stderr),
  env: process.env,
});
