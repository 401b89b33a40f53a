import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { resolveObservers } from './resolve-observers.ts';

describe('resolveObservers', () => {
  it.each([
    ['an empty name', { name: ' ' }, 'name'],
    ['telemetry that is not an object', { telemetry: 'on' }, 'telemetry'],
    [
      'an unknown telemetry option',
      { telemetry: { recordContents: true } },
      'telemetry.recordContents',
    ],
    [
      'a tracer provider without getTracer',
      { telemetry: { tracerProvider: {} } },
      'telemetry.tracerProvider',
    ],
    ['unknown conventions', { telemetry: { conventions: '1.40' } }, 'telemetry.conventions'],
    ['a recorder without startRun', { recorder: {} }, 'recorder'],
  ])('refuses %s, naming the option', (_case, options, argument) => {
    let thrown: unknown;
    try {
      resolveObservers(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe(argument);
  });

  it('has the telemetry observer by default, none with telemetry: false', () => {
    expect(resolveObservers({}).observers).toHaveLength(1);
    expect(resolveObservers({ telemetry: false }).observers).toHaveLength(0);
    const recorder = { startRun: () => undefined };
    expect(resolveObservers({ telemetry: false, recorder }).observers).toEqual([recorder]);
  });
});
