/** Time and date the way they are spoken, in the person's time zone ("3:05 PM", "Wednesday, November 25, 2026"). */

type Part = Intl.DateTimeFormatPartTypes;

function parts(now: Date, timeZone: string | undefined, options: Intl.DateTimeFormatOptions): Map<Part, string> {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
  } catch {
    // An unknown time zone name: the server's own zone is the best remaining guess.
    format = new Intl.DateTimeFormat('en-US', options);
  }
  return new Map(format.formatToParts(now).map((p) => [p.type, p.value]));
}

/** "3:05 PM" */
export function spokenTime(now: Date, timeZone?: string): string {
  const p = parts(now, timeZone, { hour: 'numeric', minute: '2-digit', hour12: true });
  return `${p.get('hour')}:${p.get('minute')} ${(p.get('dayPeriod') ?? '').toUpperCase()}`.trim();
}

/** "Wednesday, November 25, 2026" */
export function spokenDate(now: Date, timeZone?: string): string {
  const p = parts(now, timeZone, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
  return `${p.get('weekday')}, ${p.get('month')} ${p.get('day')}, ${p.get('year')}`;
}

/** "November" */
export function spokenMonth(now: Date, timeZone?: string): string {
  return parts(now, timeZone, { month: 'long' }).get('month') ?? '';
}

/** "2026" */
export function spokenYear(now: Date, timeZone?: string): string {
  return parts(now, timeZone, { year: 'numeric' }).get('year') ?? '';
}
