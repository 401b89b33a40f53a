import { type DefinedTool, defineTool } from '@gemloop/core';
import { z } from 'zod';

type Unit = {
  dimension: string;
  symbol: string;
  toBase(value: number): number;
  fromBase(value: number): number;
};

const linear = (dimension: string, symbol: string, factor: number): Unit => ({
  dimension,
  symbol,
  toBase: (value) => value * factor,
  fromBase: (value) => value / factor,
});

/** Every unit the tool knows, by its code; each dimension converts through one base unit. */
const UNITS = {
  C: {
    dimension: 'temperature',
    symbol: '°C',
    toBase: (v: number) => v,
    fromBase: (v: number) => v,
  },
  F: {
    dimension: 'temperature',
    symbol: '°F',
    toBase: (v: number) => ((v - 32) * 5) / 9,
    fromBase: (v: number) => (v * 9) / 5 + 32,
  },
  K: {
    dimension: 'temperature',
    symbol: 'K',
    toBase: (v: number) => v - 273.15,
    fromBase: (v: number) => v + 273.15,
  },
  km: linear('length', 'km', 1000),
  m: linear('length', 'm', 1),
  mi: linear('length', 'mi', 1609.344),
  ft: linear('length', 'ft', 0.3048),
  kg: linear('mass', 'kg', 1),
  lb: linear('mass', 'lb', 0.45359237),
  'km/h': linear('speed', 'km/h', 1 / 3.6),
  mph: linear('speed', 'mph', 0.44704),
  'm/s': linear('speed', 'm/s', 1),
} satisfies Record<string, Unit>;

/** A unit code of {@link createConvertUnitsTool}. */
export type UnitCode = keyof typeof UNITS;

const CODES = Object.keys(UNITS) as [UnitCode, ...UnitCode[]];

/** The arguments of the conversion tool. */
export type ConvertUnitsArgs = { value: number; from: UnitCode; to: UnitCode };

/** What the conversion tool returns. */
export type ConvertUnitsResult = { result: number; unit: UnitCode; text: string };

/**
 * Converts a value between two units of the same kind, exactly (no rounding beyond 12
 * significant digits).
 * @throws Error when the units measure different things (`km` to `kg`).
 */
export function convertUnits({ value, from, to }: ConvertUnitsArgs): ConvertUnitsResult {
  const source: Unit = UNITS[from];
  const target: Unit = UNITS[to];
  if (source.dimension !== target.dimension) {
    throw new Error(
      `Cannot convert ${from} (${source.dimension}) to ${to} (${target.dimension}): pick two units of the same kind.`,
    );
  }
  const result = Number(target.fromBase(source.toBase(value)).toPrecision(12)) + 0;
  return { result, unit: to, text: `${value} ${source.symbol} = ${result} ${target.symbol}` };
}

/** `convert_units`: temperature, length, mass and speed conversions. */
export function createConvertUnitsTool(): DefinedTool<ConvertUnitsArgs, ConvertUnitsResult> {
  return defineTool({
    name: 'convert_units',
    description:
      'Converts a value between units of the same kind: temperature (C, F, K), length (km, m, mi, ft), mass (kg, lb), speed (km/h, mph, m/s).',
    parameters: z.object({
      value: z.number().describe('The amount to convert.'),
      from: z.enum(CODES).describe('The unit of the value.'),
      to: z.enum(CODES).describe('The unit to convert to.'),
    }),
    execute: convertUnits,
  });
}
