import type { Logger } from '../logging/logger.ts';
import type { RunObservation, RunObserver } from './run-observer.ts';

/**
 * `observer` (the OpenTelemetry one) telling `logger`, once, the first time it throws: when it is
 * made (a provider whose `getTracer` or `getMeter` hands back something that throws on every
 * read), when a run starts, or in any hook after. The throw still goes on to the run's guard
 * (start-observation.ts), which keeps it out of the run: telemetry never fails a run. Before, that
 * guard was all there was, and every run of the agent went untraced without a word. The line
 * names where it failed and the error's class, never its message: the message is the provider's
 * (or a Proxy's) and may carry anything. One observer per agent, so said once per agent.
 * @internal
 */
export function reportObserverThrows(
  make: () => RunObserver,
  logger: Logger | undefined,
): RunObserver {
  let said = false;
  const report = (error: unknown, where: string): void => {
    if (said) return;
    said = true;
    try {
      logger
        ?.child({ component: 'telemetry' })
        .warn(
          { where, errorName: nameOf(error) },
          `telemetry failed in ${where} (${nameOf(error)}): the agent's runs go on untraced. Check the tracerProvider and meterProvider given as telemetry, or the ones registered globally; or pass telemetry: false.`,
        );
    } catch {
      // A logger that throws has said what it could; the run goes on.
    }
  };
  const told =
    <A extends unknown[], R>(where: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (error) {
        report(error, where);
        throw error;
      }
    };
  let observer: RunObserver;
  try {
    observer = make();
  } catch (error) {
    report(error, 'its setup');
    return { startRun: () => undefined };
  }
  return {
    startRun: told('startRun', (info) => {
      const observation = observer.startRun(info);
      return observation instanceof Promise || observation === undefined
        ? observation
        : reporting(observation, told);
    }),
  };
}

type Told = <A extends unknown[], R>(where: string, fn: (...args: A) => R) => (...args: A) => R;

function reporting(observation: RunObservation, told: Told): RunObservation {
  const event = observation.event;
  return {
    modelCall: told('modelCall', (info) => {
      const call = observation.modelCall(info);
      return {
        wrap: call.wrap,
        retry: told('retry', (retry) => call.retry(retry)),
        firstChunk: told('firstChunk', (at) => call.firstChunk(at)),
        end: told('modelCall end', (outcome, at) => call.end(outcome, at)),
      };
    }),
    toolCall: told('toolCall', (info) => {
      const call = observation.toolCall(info);
      return { wrap: call.wrap, end: told('toolCall end', (record, at) => call.end(record, at)) };
    }),
    stepEnd: told('stepEnd', (step) => observation.stepEnd(step)),
    event:
      event === undefined
        ? undefined
        : told('event', (item, at) => event.call(observation, item, at)),
    end: told('end', (outcome, at) => observation.end(outcome, at)),
  };
}

/** The error's class name when it reads as one (`TypeError`), else `Error`: never its words. */
function nameOf(error: unknown): string {
  try {
    const name = (error as { name?: unknown } | null)?.name;
    return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : 'Error';
  } catch {
    return 'Error';
  }
}
