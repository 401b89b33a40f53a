/** A GitHub markdown table; the first row is the header. Pipes in cells are escaped. */
export function markdownTable(
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const [header, ...body] = rows;
  if (header === undefined) return '';
  const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${header.map((_, index) => (align?.[index] === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** `1234.5` as `1,235`; small values keep one decimal. */
export function formatNumber(value: number | undefined, decimals?: number): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const digits = decimals ?? (Math.abs(value) < 10 ? 1 : 0);
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Bytes as MB with one decimal. */
export function formatMegabytes(bytes: number | undefined): string {
  return bytes === undefined ? '–' : formatNumber(bytes / 1e6, 1);
}
