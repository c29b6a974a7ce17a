/** Times as an administrator reads them: "8 s", "58 min", "at 14:32, in 58 min". */

/** "8 s", "58 min", "2 h 5 min", "3 days": how long until a time, rounded up so a countdown never shows 0 early. */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.round(hours / 24)} days`;
}

/** "at 14:32, in 58 min" (the date is added when it is not today). */
export function atAndIn(iso: string, now: number): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === new Date(now).toDateString();
  const clock = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `at ${sameDay ? clock : `${at.toLocaleDateString()} ${clock}`}, in ${durationText(at.getTime() - now)}`;
}
