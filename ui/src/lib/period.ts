// A period typed as an amount and a unit (a key's expiry, how long a rotated key's old value keeps
// working), checked before anything is sent and turned into whole minutes.

export type PeriodUnit = 'minutes' | 'hours' | 'days';

export const PERIOD_UNITS: { id: PeriodUnit; label: string; minutes: number }[] = [
  { id: 'minutes', label: 'minutes', minutes: 1 },
  { id: 'hours', label: 'hours', minutes: 60 },
  { id: 'days', label: 'days', minutes: 1440 },
];

/** The longest period accepted: a year. */
export const MAX_PERIOD_MINUTES = 365 * 1440;

export interface Period {
  /** Whole minutes; null when the amount was left empty. */
  minutes: number | null;
  /** Why the amount is not acceptable, in plain words; null when it is. */
  error: string | null;
}

/**
 * `amount` as typed; empty means none (null minutes). `allowZero`: 0 is a period (no retention).
 */
export function parsePeriod(amount: string, unit: PeriodUnit, allowZero = false): Period {
  const text = amount.trim();
  if (text === '') return { minutes: null, error: null };
  if (!/^\d+$/.test(text)) return { minutes: null, error: 'Enter a whole number.' };
  const n = Number(text);
  if (n === 0 && !allowZero) return { minutes: null, error: 'Enter a number above 0, or leave it empty.' };
  const per = PERIOD_UNITS.find((u) => u.id === unit)?.minutes ?? 1;
  const minutes = n * per;
  if (minutes > MAX_PERIOD_MINUTES) return { minutes: null, error: 'Use at most a year (365 days).' };
  return { minutes, error: null };
}

/** 90 → "1 hour 30 minutes"; 0 → "0 minutes". */
export function describeMinutes(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`);
  if (hours) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (mins || parts.length === 0) parts.push(`${mins} ${mins === 1 ? 'minute' : 'minutes'}`);
  return parts.join(' ');
}
