/**
 * The longest delay Node's timers (`setTimeout`, `AbortSignal.timeout`) wait: a signed 32-bit
 * count of milliseconds, about 24.8 days. Node sets a longer one to 1 ms with a
 * TimeoutOverflowWarning, so an option past it would fire at once instead of late: options that
 * become a timer are refused above it. @internal
 */
export const MAX_TIMER_MS = 2_147_483_647;
