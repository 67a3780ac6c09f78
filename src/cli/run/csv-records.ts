/**
 * Splits CSV text into its records as they are written, without parsing the fields: a line break
 * inside a quoted field stays in its record (RFC 4180). `merge` moves records between files this
 * way, so the app's writer alone decides how a value is quoted or escaped.
 */
export function splitCsvRecords(text: string): string[] {
  const records: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted; // "" inside a quoted field toggles twice
    else if (c === 10 /* \n */ && !quoted) {
      const end = i > start && text.charCodeAt(i - 1) === 13 /* \r */ ? i - 1 : i;
      records.push(text.slice(start, end));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  return records;
}
