/**
 * The one place the recorder turns a tool call's arguments into what a run file holds: the
 * `tool-call-start` line and every `functionCall` part of a recorded request or response go
 * through it. Today it keeps them as they are; arguments a tool marks secret (issue 26) are to be
 * replaced here, so one change covers every line that carries them.
 * @internal
 */
export function recordToolArgs({ args }: { toolName: string; args: unknown }): unknown {
  return args;
}
