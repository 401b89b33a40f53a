import { describe, expect, it } from 'vitest';
import { agUiLines } from './ag-ui-lines.ts';

// leftovers44: the ag-ui-door example printed what the AG-UI client got back as it came. Its
// shared state is keyed by the model's order ids (the tools' arguments, support-ag-ui.ts), and
// `JSON.stringify` escapes C0 controls only: C1's CSI (U+009B) and U+202E reached the terminal
// raw. The answers and the interrupt's prompt were printed with no escaping at all.

const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const CSI = '\u001b[2K\u001b[1A';
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('ag-ui-door prints what the AG-UI client got as visible text', () => {
  it('a shared state keyed with U+202E and a C1 CSI is shown escaped, on one line', () => {
    const state = { orders: { 'A-7\u202e': 'refunded\u009b2J', [`${OSC52}x`]: `${CSI}PASS` } };
    // What printing it as before wrote: raw bidi and C1 controls.
    expect(JSON.stringify(state)).toMatch(RAW);
    const line = agUiLines({ status: '', asked: [], refund: '', state })[3] ?? '';
    expect(line).toContain('A-7\\u{202e}');
    expect(line).toContain('refunded\\u{9b}2J');
    expect(line).toContain('\\u001b]52');
    expect(line).not.toMatch(RAW);
    expect(line).not.toContain('\n');
  });

  it('the answers keep their line breaks, every other control escaped; the prompt is one line', () => {
    const [status, interrupt, refund] = agUiLines({
      status: `Shipped.\n${OSC52}${CSI}\u202e`,
      asked: [`Approve ${OSC52}?\nPASS`, undefined],
      refund: `Refunded\u009b2J.\n`,
      state: {},
    });
    expect(status).toBe(
      'status: Shipped.\n\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}\\u{1b}[2K\\u{1b}[1A\\u{202e}',
    );
    expect(interrupt).toBe(
      'interrupt: Approve \\u{1b}]52;c;cm0gLXJmIH4=\\u{7}?\\u{a}PASS;  -> approved',
    );
    expect(refund).toBe('refund: Refunded\\u{9b}2J.\n');
  });

  it('prints the example’s own exchange as before', () => {
    expect(
      agUiLines({
        status: 'Order A-7 has shipped.',
        asked: ['Approve the call of refund_order?'],
        refund: 'Order A-7 is refunded.',
        state: { orders: { 'A-7': 'refunded' } },
      }),
    ).toEqual([
      'status: Order A-7 has shipped.',
      'interrupt: Approve the call of refund_order? -> approved',
      'refund: Order A-7 is refunded.',
      'shared state: {"orders":{"A-7":"refunded"}}',
    ]);
  });
});
