import { describe, expect, it } from 'vitest';
import { convertUnits, createConvertUnitsTool } from './convert-units-tool.ts';

describe('convertUnits', () => {
  it.each([
    [18, 'C', 'F', 64.4],
    [64.4, 'F', 'C', 18],
    [0, 'C', 'K', 273.15],
    [-40, 'F', 'C', -40],
    [10, 'km', 'mi', 6.21371192237],
    [1, 'mi', 'ft', 5280],
    [100, 'kg', 'lb', 220.462262185],
    [36, 'km/h', 'm/s', 10],
  ] as const)('converts %d %s to %s', (value, from, to, expected) => {
    expect(convertUnits({ value, from, to }).result).toBe(expected);
  });

  it('writes the conversion out with unit symbols', () => {
    expect(convertUnits({ value: 18, from: 'C', to: 'F' })).toEqual({
      result: 64.4,
      unit: 'F',
      text: '18 °C = 64.4 °F',
    });
  });

  it('refuses units of different kinds with a message the model can act on', () => {
    expect(() => convertUnits({ value: 1, from: 'km', to: 'kg' })).toThrow(
      'Cannot convert km (length) to kg (mass): pick two units of the same kind.',
    );
  });

  it('declares the units as an enum, so a bad unit is an argument error', () => {
    const tool = createConvertUnitsTool();
    expect(tool.parseArgs({ value: 1, from: 'parsec', to: 'km' }).success).toBe(false);
  });
});
