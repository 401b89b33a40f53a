import { describe, expect, it } from 'vitest';
import { defaultsMismatches } from '../options/__fixtures__/documented-defaults.ts';
import { RECEIVED_STEER_DEFAULTS, STEERING_DEFAULTS } from './steering-options.ts';

describe('the defaults of createSteering()', () => {
  const file = new URL('./steering-options.ts', import.meta.url);

  it('are what the TSDoc of SteeringOptions states', () => {
    expect(defaultsMismatches(file, 'SteeringOptions', STEERING_DEFAULTS)).toEqual([]);
  });

  it('of a received steer are what the TSDoc of ReceivedSteer states', () => {
    expect(defaultsMismatches(file, 'ReceivedSteer', RECEIVED_STEER_DEFAULTS)).toEqual([]);
  });
});
