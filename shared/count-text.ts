/** A count with its noun, as people write it: "1 update", "12,000 updates" (never "1 updates"). */
export function countOf(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
