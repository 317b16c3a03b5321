/** `1 profile`, `2 profiles`; `many` for words that do not just take an s. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
