/**
 * Log lines an attacker cannot forge. A value from a request (a path
 * parameter, a header) can carry CR, LF or terminal escapes; written as they
 * are, they start a line that looks like the server's own. Every line the
 * server writes goes through escapeLogText, so one event is one line.
 */

/** C0 controls but tab, DEL, the C1 controls, and the Unicode line and paragraph separators. */
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/**
 * The text with every control character written as an escape, so it stays on one line.
 *
 * @example escapeLogText('x\r\nforged') // 'x\\r\\nforged'
 */
export function escapeLogText(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Lets one line of a kind through per window: a flood of the same refusal
 * (a malformed address, say) logs once a minute, saying how many it left out.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  private readonly windowMs: number;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /** The line to write now for this kind, or null when it is to be left out. */
  admit(kind: string, line: string, now: number): string | null {
    const seen = this.last.get(kind);
    if (seen && now - seen.at < this.windowMs) {
      seen.suppressed++;
      return null;
    }
    this.last.set(kind, { at: now, suppressed: 0 });
    return seen && seen.suppressed > 0 ? `${line} (${seen.suppressed} more since the last such line)` : line;
  }
}
