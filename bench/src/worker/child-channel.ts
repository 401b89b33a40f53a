import { type ChildProcess, fork } from 'node:child_process';

/** Options of {@link ChildChannel.start}. */
export type ChildChannelOptions = {
  /** Compiled `.mjs` entry. */
  entry: string;
  /** Node flags of the child. Never inherited: the orchestrator runs under tsx, children must not. */
  execArgv: string[];
  /** What to call the child in errors. */
  label: string;
};

const OUTPUT_TAIL_CHARS = 4000;

/**
 * A forked child process spoken to with request/reply messages over IPC, one request at a time.
 * The child's stdout and stderr are kept (the last few KB) for error reports instead of being
 * mixed into the tables.
 */
export class ChildChannel<Request, Reply> {
  readonly #child: ChildProcess;
  readonly #label: string;
  #output = '';
  #pending: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  #exit: string | undefined;

  private constructor(child: ChildProcess, label: string) {
    this.#child = child;
    this.#label = label;
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (message) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(message as Reply);
    });
    child.on('exit', (code, signal) => {
      this.#exit = `exited with ${signal ?? `code ${code}`}`;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(new Error(`${this.#label} ${this.#exit}\n${this.#output}`));
    });
  }

  /** Forks the child and waits for its first message (its "I am up" message). */
  static async start<Request, Reply>(
    options: ChildChannelOptions,
  ): Promise<{ channel: ChildChannel<Request, Reply>; hello: Reply }> {
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const child = fork(options.entry, [], {
      execArgv: options.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env,
      serialization: 'json',
    });
    const channel = new ChildChannel<Request, Reply>(child, options.label);
    const hello = await new Promise<Reply>((resolve, reject) => {
      channel.#pending = { resolve, reject };
    });
    return { channel, hello };
  }

  /** Forks the child without waiting for a first message. */
  static spawn<Request, Reply>(options: ChildChannelOptions): ChildChannel<Request, Reply> {
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const child = fork(options.entry, [], {
      execArgv: options.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env,
      serialization: 'json',
    });
    return new ChildChannel<Request, Reply>(child, options.label);
  }

  /** Sends `request` and resolves with the child's next message. */
  request(request: Request): Promise<Reply> {
    if (this.#exit !== undefined) {
      return Promise.reject(new Error(`${this.#label} ${this.#exit}\n${this.#output}`));
    }
    if (this.#pending !== undefined)
      throw new Error(`${this.#label}: a request is already pending`);
    return new Promise<Reply>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#child.send(request as object);
    });
  }

  /** The last few KB the child wrote to stdout and stderr. */
  get output(): string {
    return this.#output;
  }

  /** Ends the child (by its own pid) if it is still running. */
  kill(): void {
    if (this.#exit === undefined) this.#child.kill();
  }

  /** Waits for a child that was asked to exit (so it can write its profile), then kills it. */
  async waitForExit(timeoutMs = 10_000): Promise<void> {
    if (this.#exit !== undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.kill();
  }
}
