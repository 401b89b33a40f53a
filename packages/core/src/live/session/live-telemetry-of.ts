import type { AgentOptions } from '../../agent/config/agent-options.ts';
import { hasRegisteredOtel, loadOtelApi } from '../../telemetry/create-telemetry-observer.ts';
import type { LiveTelemetry } from '../live-telemetry.ts';

/**
 * The session's spans, when the agent's telemetry has a tracer provider or one is registered
 * globally (as for the agent's runs; `telemetry: false` turns them off). `@opentelemetry/api` is
 * loaded only then. `redact`: the session's (the client's keys), for what the server or the model
 * names (a tool, a call id, a reason). @internal
 */
export async function liveTelemetryOf(
  agent: AgentOptions<unknown>,
  setup: Record<string, unknown>,
  baseUrl: string,
  redact: (text: string) => string,
): Promise<LiveTelemetry | undefined> {
  const options = agent.telemetry;
  if (options === false) return undefined;
  if (options?.tracerProvider === undefined && !hasRegisteredOtel()) return undefined;
  const [api, { createLiveTelemetry }] = await Promise.all([
    loadOtelApi(),
    import('../live-telemetry.ts'),
  ]);
  const model = String((setup['setup'] as { model?: unknown } | undefined)?.model ?? '');
  let serverAddress: string | undefined;
  try {
    serverAddress = new URL(baseUrl).hostname;
  } catch {
    serverAddress = undefined;
  }
  return createLiveTelemetry({
    api,
    tracerProvider: options?.tracerProvider ?? api.trace.getTracerProvider(),
    model: model.startsWith('models/') ? model.slice('models/'.length) : model,
    agentName: agent.name,
    serverAddress,
    redact,
  });
}
