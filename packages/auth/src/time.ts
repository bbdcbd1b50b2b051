export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** One formatter per zone (zones come from configuration): building one costs more than an answer's SQL. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(date: Date, timeZone: string): Record<string, string> {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    if (formatters.size > 16) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return Object.fromEntries(formatter.formatToParts(date).map((p) => [p.type, p.value]));
}

/** The seed's `YYYY-MM-DD HH:mm:ss`, as a wall clock in `timeZone`. */
export function formatLocalTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** ISO-8601 with the zone's offset, e.g. `2025-11-19T18:45:00+08:00` (whole seconds). */
export function formatIsoWithOffset(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  const offsetMinutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}

/** Both renderings the API returns for an expiry. */
export function expiryFields(date: Date, timeZone: string): { expire_time: string; expire_at: string } {
  return { expire_time: formatLocalTime(date, timeZone), expire_at: formatIsoWithOffset(date, timeZone) };
}
