import { toErrorType } from '@gemloop/core/internal';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';

/** The doors, as a door span's `gemloop.door.name` says. */
export type DoorName = 'openai' | 'mcp' | 'ag-ui' | 'a2a';

/** What a door span says of the run it wraps. @internal */
export type DoorSpanInfo = {
  door: DoorName;
  /**
   * The protocol's operation, by the protocol's own name: `chat.completions`, `responses`
   * (OpenAI), `tools/call` (MCP), `run` (AG-UI), `SendMessage` (A2A).
   */
  operation: string;
  /** The agent as the door serves it: the model id, the MCP tool's agent, the card's name. */
  agent: string;
  streaming: boolean;
  /** The run's signal: a run that ends after it aborted is `canceled`, not `failed`. */
  signal: AbortSignal;
};

/** How a door traces its runs. @internal */
export type DoorTelemetry = {
  /**
   * Calls `start` (which starts the agent's run) inside a door span made the active span, so
   * the run's own `invoke_agent` span (the agent's `telemetry`) is its child; the span ends when
   * `settled(value)` settles: the run's end, not the request's.
   */
  run<T>(info: DoorSpanInfo, start: () => T, settled: (value: T) => PromiseLike<unknown>): T;
};

// SpanKind.INTERNAL and SpanStatusCode.ERROR of @opentelemetry/api (stable since 1.0): the door
// span sits under the HTTP server span an instrumentation makes, or at the root on stdio.
const SPAN_KIND_INTERNAL = 0;
const STATUS_ERROR = 2;

/** The parts of an OpenTelemetry span used here (`@opentelemetry/api` is not a dependency). */
type DoorSpan = {
  setAttribute(key: string, value: string | boolean): unknown;
  setStatus(status: { code: number }): unknown;
  end(): void;
};
type DoorTracer = {
  startActiveSpan<T>(
    name: string,
    options: { kind: number; attributes: Record<string, string | boolean> },
    fn: (span: DoorSpan) => T,
  ): T;
};

/**
 * A door's spans: one `gemloop.door` span around each agent run a door starts (`<door>
 * <operation>`, attributes `gemloop.door.name`, `gemloop.door.operation`, `gen_ai.agent.name`,
 * `gemloop.door.streaming`, and at its end `gemloop.door.outcome`: `completed`, `failed` or
 * `canceled`), the child of whatever span is active when the request comes (an HTTP server
 * span) and the parent of the run's own spans wherever a context manager carries the active span
 * across awaits (the Node SDK's `AsyncLocalStorageContextManager`). A failure sets the status
 * to error and `error.type` to its class or code, never its message, nor the caller, the
 * request's text or a credential. The provider is `tracerProvider`, else the one registered
 * globally (`NodeSDK.start()`); without one a door makes no span and loads nothing.
 * @internal
 */
export function createDoorTelemetry(tracerProvider: OtelTracerProvider | undefined): DoorTelemetry {
  if (tracerProvider !== undefined && tracerProvider !== null) {
    return traced((tracerProvider as { getTracer(name: string): DoorTracer }).getTracer(TRACER));
  }
  let tracer: DoorTracer | undefined;
  return {
    run(info, start, settled) {
      // The global provider, as an agent's telemetry finds it: read where @opentelemetry/api 1.x
      // keeps it, so that a door loads nothing while no provider is registered.
      const global = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[
        OTEL_API_GLOBAL
      ]?.trace as { getTracer?: (name: string) => DoorTracer } | undefined;
      if (typeof global?.getTracer !== 'function') return start();
      tracer ??= global.getTracer(TRACER);
      return traced(tracer).run(info, start, settled);
    },
  };
}

const TRACER = '@gemloop/serve';
// Where @opentelemetry/api 1.x registers its globals (`internal/global-utils`), as
// @gemloop/core's telemetry reads them.
// why (brand): @opentelemetry/api's own registered key.
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

function traced(tracer: DoorTracer): DoorTelemetry {
  return {
    run<T>(info: DoorSpanInfo, start: () => T, settled: (value: T) => PromiseLike<unknown>): T {
      return tracer.startActiveSpan(
        `${info.door} ${info.operation}`,
        {
          kind: SPAN_KIND_INTERNAL,
          attributes: {
            'gemloop.door.name': info.door,
            'gemloop.door.operation': info.operation,
            'gen_ai.agent.name': info.agent.slice(0, 128),
            'gemloop.door.streaming': info.streaming,
          },
        },
        (span) => {
          const end = (failed: boolean, error?: unknown) => {
            if (!failed) {
              span.setAttribute('gemloop.door.outcome', 'completed');
            } else if (info.signal.aborted) {
              span.setAttribute('gemloop.door.outcome', 'canceled');
            } else {
              span.setAttribute('gemloop.door.outcome', 'failed');
              span.setAttribute('error.type', toErrorType(error));
              span.setStatus({ code: STATUS_ERROR });
            }
            span.end();
          };
          let value: T;
          try {
            value = start();
          } catch (error) {
            end(true, error);
            throw error;
          }
          Promise.resolve(settled(value)).then(
            () => end(false),
            (error: unknown) => end(true, error),
          );
          return value;
        },
      );
    },
  };
}
