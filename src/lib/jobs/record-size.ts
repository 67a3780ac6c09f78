/**
 * Approximate bytes a record takes in storage: the length of its JSON text, with binary arrays at
 * their byte length. IndexedDB does not say how much one record takes; this is a stable, cheap
 * measure that ranks jobs and adds up (the browser's own encoding and compression differ, and the
 * origin's real total is `navigator.storage.estimate()`).
 */
export function recordBytes(value: unknown): number {
  let binary = 0;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      binary += v.byteLength;
      return null;
    }
    return v;
  });
  return (text?.length ?? 0) + binary;
}

/** A job record's own size, without its `bytes` counter's value (which it would otherwise chase). */
export function jobRecordBytes(job: object): number {
  return recordBytes({ ...job, bytes: 0 });
}
