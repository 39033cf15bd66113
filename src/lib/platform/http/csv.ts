/** One CSV field (RFC 4180): quoted only when it holds a quote, comma or line break; null is empty. */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
