/**
 * Type-ahead, as Windows lists and trees do it: letters typed in quick succession make one prefix, and the focus
 * goes to the next item whose text starts with it (wrapping around); a pause starts a new prefix.
 */
export const TYPE_AHEAD_PAUSE_MS = 800;

export function createTypeAhead(pauseMs = TYPE_AHEAD_PAUSE_MS) {
  let typed = '';
  let last = -Infinity;
  /**
   * The prefix after this key, typed at `at` (an event's timeStamp). The same letter typed again and again is that
   * letter (it cycles through the items starting with it); any other key ends the prefix (`reset`).
   */
  const next = (key: string, at: number): string => {
    typed = at - last > pauseMs ? key : typed + key;
    last = at;
    return [...typed].every((letter) => letter.toLocaleLowerCase() === key.toLocaleLowerCase()) ? key : typed;
  };
  next.reset = () => {
    typed = '';
    last = -Infinity;
  };
  return next;
}

/** A key that types a character (not a shortcut, not a space that selects or pages). */
export function isTypeAheadKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): boolean {
  return event.key.length === 1 && event.key !== ' ' && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/**
 * The index of the item to go to for `prefix`, from the current one: a one-letter prefix moves on to the next match
 * (typing "S" again cycles through the items starting with S); a longer one stays on the current item while it still
 * matches. -1 when none matches.
 */
export function findByPrefix(texts: readonly string[], current: number, prefix: string): number {
  const wanted = prefix.toLocaleLowerCase();
  const start = prefix.length === 1 ? current + 1 : Math.max(0, current);
  for (let step = 0; step < texts.length; step++) {
    const index = (start + step) % texts.length;
    if (texts[index]!.toLocaleLowerCase().startsWith(wanted)) return index;
  }
  return -1;
}
