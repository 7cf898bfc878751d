// Timing of the daemon (and the cron line): a cron expression for the interval, a random jitter
// of at most 10 % of it so routers that rebooted together do not hit the forge together, and an
// exponential backoff after repeated failures (capped at an hour).

/**
 * The cron expression (6 fields, with seconds) that fires every `interval` seconds, aligned to
 * the clock; `null` when cron cannot express it exactly. Expressible: divisors of 60 s, whole
 * minutes dividing an hour, whole hours dividing a day, and one day.
 */
export function cronExpressionFor(interval: number): string | null {
  if (!Number.isInteger(interval) || interval <= 0) return null;
  if (interval < 60) return 60 % interval === 0 ? `*/${interval} * * * * *` : null;
  if (interval < 3600) {
    const m = interval / 60;
    return Number.isInteger(m) && 60 % m === 0 ? `0 */${m} * * * *` : null;
  }
  if (interval < 86400) {
    const h = interval / 3600;
    return Number.isInteger(h) && 24 % h === 0 ? `0 0 */${h} * * *` : null;
  }
  return interval === 86400 ? '0 0 0 * * *' : null;
}

/** The largest interval not above `interval` that cron can express (at least 10 s). */
export function expressibleInterval(interval: number): number {
  for (let s = Math.max(10, Math.floor(interval)); s > 10; s--) if (cronExpressionFor(s) !== null) return s;
  return 10;
}

/** The 5-field crontab schedule for `interval` (whole minutes only); `null` when not expressible. */
export function crontabScheduleFor(interval: number): string | null {
  const six = cronExpressionFor(interval);
  if (six === null || interval < 60) return null;
  return six.split(' ').slice(1).join(' ');
}

/** A random delay in [0, 10 % of the interval). */
export function jitterMs(intervalSeconds: number, random: () => number): number {
  return Math.floor(random() * intervalSeconds * 100);
}

export const MAX_BACKOFF_SECONDS = 3600;

/** Extra wait after `failures` consecutive failures: 0, 1, 3, 7… intervals, capped at an hour. */
export function backoffMs(intervalSeconds: number, failures: number): number {
  if (failures <= 1) return 0;
  const factor = 2 ** Math.min(failures - 1, 20) - 1;
  return Math.min(intervalSeconds * factor, MAX_BACKOFF_SECONDS) * 1000;
}
