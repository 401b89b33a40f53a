/**
 * Units of measure in the user's words: "20 C to F", "5 km to miles", "3 lbs in kg",
 * "20 degrees Celsius in Fahrenheit", "how many miles is 10 km", "100 USD to EUR".
 * @internal
 */

/** Each unit's spellings; the key is the usual symbol. */
const unitAliases: Readonly<Record<string, readonly string[]>> = {
  C: ['c', '°c', 'celsius', 'centigrade', 'degc'],
  F: ['f', '°f', 'fahrenheit', 'degf'],
  K: ['k', 'kelvin', 'kelvins'],
  km: ['km', 'kms', 'kilometer', 'kilometers', 'kilometre', 'kilometres'],
  m: ['m', 'meter', 'meters', 'metre', 'metres'],
  cm: ['cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'],
  mm: ['mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'],
  mi: ['mi', 'mile', 'miles'],
  ft: ['ft', 'foot', 'feet'],
  inch: ['inch', 'inches'],
  yd: ['yd', 'yard', 'yards'],
  kg: ['kg', 'kgs', 'kilogram', 'kilograms', 'kilo', 'kilos'],
  g: ['g', 'gram', 'grams'],
  lb: ['lb', 'lbs', 'pound', 'pounds'],
  oz: ['oz', 'ounce', 'ounces'],
  l: ['l', 'liter', 'liters', 'litre', 'litres'],
  ml: ['ml', 'milliliter', 'milliliters', 'millilitre', 'millilitres'],
  gal: ['gal', 'gallon', 'gallons'],
  'km/h': ['km/h', 'kph', 'kmh', 'kmph'],
  mph: ['mph'],
  'm/s': ['m/s', 'mps'],
};

// why (table): built once at load from the table above, then only read.
const aliasToUnit = new Map<string, string>();
for (const [unit, aliases] of Object.entries(unitAliases)) {
  for (const alias of aliases) aliasToUnit.set(alias, unit);
  aliasToUnit.set(unit.toLowerCase(), unit);
}

/** The canonical symbol of a unit word (`miles` → `mi`, `°C` → `C`), if it is one. @internal */
export function unitOf(word: string): string | undefined {
  const lower = word.toLowerCase().replace(/^°\s*/, '°').replace(/\.$/, '');
  return aliasToUnit.get(lower) ?? aliasToUnit.get(lower.replace(/^°/, ''));
}

/** Whether a word names a unit of measure. @internal */
export function isUnit(word: string): boolean {
  return unitOf(word) !== undefined;
}

/** A conversion asked for in a text: the amount and both units, as written. @internal */
export type UnitConversion = { value: number | undefined; from: string; to: string };

const number = String.raw`(-?\d[\d,]*(?:\.\d+)?)`;
const unit = String.raw`(°\s*[A-Za-z]|[A-Za-z][A-Za-z/]*)`;
const degrees = String.raw`(?:degrees?\s+|deg\s+)?`;
const forward = new RegExp(
  String.raw`${number}\s*${degrees}${unit}\s+(?:to|in|into|as|->|→)\s+${degrees}${unit}`,
  'i',
);
const howMany = new RegExp(
  String.raw`how\s+many\s+${degrees}${unit}\s+(?:is|are|in|make|equals?)\s+${number}\s*${degrees}${unit}`,
  'i',
);

/**
 * `20 C to F` → `{ value: 20, from: 'C', to: 'F' }` (units as written); both sides must be units
 * (or three-letter currency codes), so "5 days to Christmas" is not a conversion.
 * @internal
 */
export function findUnits(text: string): UnitConversion | undefined {
  const direct = forward.exec(text);
  if (direct !== null && isConvertible(direct[2] as string, direct[3] as string)) {
    return { value: toNumber(direct[1]), from: clean(direct[2]), to: clean(direct[3]) };
  }
  const reverse = howMany.exec(text);
  if (reverse !== null && isConvertible(reverse[3] as string, reverse[1] as string)) {
    return { value: toNumber(reverse[2]), from: clean(reverse[3]), to: clean(reverse[1]) };
  }
  return undefined;
}

function isConvertible(from: string, to: string): boolean {
  const currency = /^[A-Z]{3}$/;
  return (isUnit(from) && isUnit(to)) || (currency.test(from) && currency.test(to));
}

function clean(unitText: string | undefined): string {
  return (unitText ?? '').replace(/^°\s*/, '°');
}

function toNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replace(/,/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** The value of an enum that a word names, directly or through a unit's spellings. @internal */
export function matchEnum(values: readonly string[], word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  const lower = word.toLowerCase();
  const direct = values.find((value) => value.toLowerCase() === lower);
  if (direct !== undefined) return direct;
  const wanted = unitOf(word);
  if (wanted === undefined) return undefined;
  return values.find((value) => unitOf(value) === wanted);
}
