/** Colours of the list's labels, fixed for the usual dispositions so that plots read the same across jobs. */
const KNOWN: Record<string, string> = {
  CONFIRMED: '#1a7f37',
  CP: '#1a7f37',
  KP: '#0b6e4f',
  CANDIDATE: '#1f5fbf',
  PC: '#1f5fbf',
  APC: '#7a5af8',
  'FALSE POSITIVE': '#b42318',
  FP: '#b42318',
  FA: '#e04f16',
  '(none)': '#667085',
};
const PALETTE = ['#c11574', '#0e9384', '#ca8504', '#6938ef', '#3e4784', '#dd2590', '#099250'];

export function labelColor(label: string): string {
  const known = KNOWN[label.toUpperCase()] ?? KNOWN[label];
  if (known) return known;
  let h = 0;
  for (let i = 0; i < label.length; i++) h = (h * 31 + label.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}
