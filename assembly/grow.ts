// Linear-memory growth shared by the kernels: each search lays its arrays out once and grows the
// memory up front, so hot loops never allocate.

export const PAGE: u64 = 65536;
// wasm32 addresses at most 65536 pages of 64 KiB.
export const MAX_BYTES: u64 = 65536 * PAGE;

@inline export function align16(x: u64): u64 {
  return (x + 15) & ~(<u64>15);
}

/** Grows the memory so that [0, end) is addressable; false if the host refuses. */
export function ensureMemory(end: u64): bool {
  if (end > MAX_BYTES) return false;
  const have = <u64>memory.size() * PAGE;
  if (end <= have) return true;
  const pages = <i32>((end - have + PAGE - 1) / PAGE);
  return memory.grow(pages) >= 0;
}
