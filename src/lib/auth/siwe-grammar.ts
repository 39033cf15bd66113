import { getAddress, type Address } from 'viem';
import {
  GEN_DELIMS,
  PCHAR,
  SCHEME_RE,
  SUB_DELIMS,
  UNRESERVED,
  isRfc3986Authority,
  isRfc3986Uri,
} from '../platform/http/uri-grammar.ts';

/**
 * EIP-4361 says the relying party MUST check a signed message against its
 * ABNF. A lenient parser that skips lines it does not expect lets a message
 * hide its `Expiration Time` where nobody reads it, so the whole message is
 * parsed here, line by line, and anything off the grammar is refused with a
 * sentence naming the line.
 *
 * Grammar sources: ERC-4361 "ABNF Message Format", RFC 3986 (URI, authority,
 * pchar, reserved/unreserved), RFC 3339 §5.6 (date-time), ERC-55 (address
 * checksum).
 */

export interface SiweFields {
  /** The optional `scheme://` before the domain on line 1. */
  scheme: string | null;
  /** An RFC 3986 authority, as written. */
  domain: string;
  /** EIP-55 checksummed, as written. */
  address: Address;
  /** null when the message has no statement line; '' for an empty one. */
  statement: string | null;
  uri: string;
  version: '1';
  /** A bigint because the grammar puts no bound on the digits. */
  chainId: bigint;
  nonce: string;
  issuedAt: Date;
  expirationTime: Date | null;
  notBefore: Date | null;
  requestId: string | null;
  /** null when there is no `Resources:` line; [] for the line with no entries. */
  resources: string[] | null;
}

export type SiweParseResult = { ok: true; fields: SiweFields } | { ok: false; problem: string };

export const SIWE_HEADER = ' wants you to sign in with your Ethereum account:';

const REQUEST_ID_RE = new RegExp(`^${PCHAR}*$`);
// statement = *( reserved / unreserved / " " ): printable ASCII less " % < > \ ^ ` { | } and no line break.
const STATEMENT_RE = new RegExp(`^[${GEN_DELIMS}${SUB_DELIMS}${UNRESERVED} ]*$`);
const ADDRESS_RE = /^0x[0-9A-Fa-f]{40}$/;
const CHAIN_ID_RE = /^[0-9]+$/;
const NONCE_RE = /^[A-Za-z0-9]{8,}$/;
// RFC 3339 §5.6; ABNF strings are case-insensitive, hence t/z (the RFC's own note says so).
const DATE_TIME_RE =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$/;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Milliseconds since the epoch of a proleptic-Gregorian UTC wall time; Date.UTC would map years 0–99 to 1900–1999. */
function utcMs(year: number, month: number, day: number, hour: number, minute: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  return date.getTime();
}

export type DateTimeResult = { ok: true; instant: Date } | { ok: false; problem: string };

/**
 * Parses an RFC 3339 `date-time` into the instant it names, refusing dates
 * the calendar does not have (February 30th, day 29 outside leap years) and
 * out-of-range fields instead of rolling them over. A second of 60 is the
 * grammar's leap second: it is accepted only where one can fall, at 23:59:60
 * UTC on the last day of a month, and is counted as the first second of the
 * next day (JavaScript time has no room for it). Fractions beyond
 * milliseconds are truncated.
 *
 * @example
 * parseRfc3339DateTime('2016-12-31T23:59:60Z') // ok: 2017-01-01T00:00:00.000Z
 * parseRfc3339DateTime('2023-02-29T12:00:00Z') // not ok: February 2023 has 28 days
 */
export function parseRfc3339DateTime(text: string): DateTimeResult {
  const match = DATE_TIME_RE.exec(text);
  if (!match) return { ok: false, problem: 'is not an RFC 3339 date-time (like 2021-09-30T16:25:24Z)' };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = match[7] ?? '';
  const zulu = match[8] !== undefined;
  const sign = match[9] === '-' ? -1 : 1;
  const offsetHour = zulu ? 0 : Number(match[10]);
  const offsetMinute = zulu ? 0 : Number(match[11]);

  if (month < 1 || month > 12) return { ok: false, problem: `has month ${match[2]}, not 01–12` };
  const monthName = MONTHS[month - 1] ?? '';
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return { ok: false, problem: `names day ${match[3]} of ${monthName} ${match[1]}, which has ${days} days` };
  }
  if (hour > 23) return { ok: false, problem: `has hour ${match[4]}, not 00–23` };
  if (minute > 59) return { ok: false, problem: `has minute ${match[5]}, not 00–59` };
  if (second > 60) return { ok: false, problem: `has second ${match[6]}, not 00–60` };
  if (offsetHour > 23 || offsetMinute > 59) return { ok: false, problem: 'has a UTC offset out of range' };

  const offsetMs = sign * (offsetHour * 60 + offsetMinute) * 60_000;
  const minuteUtc = utcMs(year, month, day, hour, minute) - offsetMs;
  if (second === 60) {
    const wall = new Date(minuteUtc);
    const lastDayOfMonth = new Date(minuteUtc + 60_000).getUTCDate() === 1;
    if (wall.getUTCHours() !== 23 || wall.getUTCMinutes() !== 59 || !lastDayOfMonth) {
      return {
        ok: false,
        problem: 'has second 60, a leap second, which only falls at 23:59:60 UTC on the last day of a month',
      };
    }
  }
  const millis = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return { ok: true, instant: new Date(minuteUtc + second * 1000 + millis) };
}

/** A line as quoted in a refusal: its label if it has one, else its start. */
function describeLine(line: string | undefined): string {
  if (line === undefined) return 'the end of the message';
  if (line === '') return 'an empty line';
  const label = /^[A-Za-z][A-Za-z ]{0,30}:/.exec(line);
  if (label) return `\`${label[0]}${line.length > label[0].length ? ' ...' : ''}\``;
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line);
}

/** The first character outside `allowed`, as `"x" (U+0078)`. */
function firstBadCharacter(value: string, allowed: RegExp): string {
  for (const char of value) {
    if (!allowed.test(char)) {
      const code = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      return `${JSON.stringify(char)} (U+${code})`;
    }
  }
  return 'none';
}

const STATEMENT_CHAR_RE = new RegExp(`^[${GEN_DELIMS}${SUB_DELIMS}${UNRESERVED} ]$`);

type Optional = 'expirationTime' | 'notBefore' | 'requestId' | 'resources';
const OPTIONAL_FIELDS: { key: Optional; label: string }[] = [
  { key: 'expirationTime', label: 'Expiration Time: ' },
  { key: 'notBefore', label: 'Not Before: ' },
  { key: 'requestId', label: 'Request ID: ' },
  { key: 'resources', label: 'Resources:' },
];

function listOf(labels: string[]): string {
  const quoted = labels.map((l) => `\`${l}${l.endsWith(' ') ? '...' : ''}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1) ?? ''}`;
}

/**
 * Parses a Sign-In with Ethereum message against the EIP-4361 ABNF, whole:
 * every line, in order, each field against its rule, nothing left over. The
 * problem names the line (1-based) and what it should be.
 *
 * @example
 * parseSignInMessage(text) // { ok: false, problem: 'line 10 should be `Issued At: ...`, not `Expiration Time: ...`' }
 */
export function parseSignInMessage(text: string): SiweParseResult {
  const lines = text.split('\n');
  const fail = (problem: string): SiweParseResult => ({ ok: false, problem });
  const cr = lines.findIndex((line) => line.includes('\r'));
  if (cr !== -1) return fail(`line ${cr + 1} has a carriage return: EIP-4361 lines end with LF alone`);

  // Line 1: [ scheme "://" ] domain " wants you to sign in with your Ethereum account:"
  const first = lines[0] ?? '';
  if (!first.endsWith(SIWE_HEADER)) {
    return fail(`line 1 should be \`<domain>${SIWE_HEADER}\``);
  }
  const origin = first.slice(0, -SIWE_HEADER.length);
  // An authority cannot contain "/", so the first "://" can only end a scheme.
  const split = origin.indexOf('://');
  const scheme = split === -1 ? null : origin.slice(0, split);
  const domain = split === -1 ? origin : origin.slice(split + 3);
  if (scheme !== null && !SCHEME_RE.test(scheme)) {
    return fail(`line 1 starts with ${JSON.stringify(scheme)}, which is not an RFC 3986 scheme`);
  }
  if (!isRfc3986Authority(domain)) {
    return fail(`line 1 names the domain ${JSON.stringify(domain)}, which is not an RFC 3986 authority`);
  }

  const address = lines[1];
  if (address === undefined || !ADDRESS_RE.test(address)) {
    return fail('line 2 should be the address: 0x and 40 hexadecimal digits');
  }
  const checksummed = getAddress(address);
  if (checksummed !== address) {
    return fail(`line 2 has the address without its EIP-55 checksum capitalisation (${checksummed})`);
  }
  if (lines[2] !== '') return fail(`line 3 should be empty, not ${describeLine(lines[2])}`);

  // address LF LF [ statement LF ] LF "URI: ": line 4 empty means either no
  // statement (URI on line 5) or an empty one (line 5 empty too, URI on 6).
  let statement: string | null;
  let index: number;
  if (lines[3] === undefined) return fail('the message ends after line 3; line 4 should be the statement or empty');
  if (lines[3] === '' && lines[4] !== '') {
    statement = null;
    index = 4;
  } else {
    statement = lines[3];
    if (!STATEMENT_RE.test(statement)) {
      return fail(
        `line 4 (the statement) has a character EIP-4361 does not allow there: ${firstBadCharacter(statement, STATEMENT_CHAR_RE)}`,
      );
    }
    if (lines[4] !== '') {
      return fail(`line 5 should be empty (the statement is a single line), not ${describeLine(lines[4])}`);
    }
    index = 5;
  }

  const take = (label: string): string | SiweParseResult => {
    const line = lines[index];
    const n = index + 1;
    if (line === undefined) return fail(`the message ends after line ${index}; line ${n} should be \`${label}...\``);
    if (!line.startsWith(label)) return fail(`line ${n} should be \`${label}...\`, not ${describeLine(line)}`);
    index += 1;
    return line.slice(label.length);
  };

  const uri = take('URI: ');
  if (typeof uri !== 'string') return uri;
  if (!isRfc3986Uri(uri)) return fail(`line ${index} has a URI that is not an RFC 3986 URI`);

  const version = take('Version: ');
  if (typeof version !== 'string') return version;
  if (version !== '1') return fail(`line ${index} should be \`Version: 1\`, the only EIP-4361 version`);

  const chainText = take('Chain ID: ');
  if (typeof chainText !== 'string') return chainText;
  if (!CHAIN_ID_RE.test(chainText)) return fail(`line ${index} should have a chain id of digits only`);

  const nonce = take('Nonce: ');
  if (typeof nonce !== 'string') return nonce;
  if (!NONCE_RE.test(nonce)) return fail(`line ${index} should have a nonce of at least 8 letters and digits`);

  const issuedText = take('Issued At: ');
  if (typeof issuedText !== 'string') return issuedText;
  const issued = parseRfc3339DateTime(issuedText);
  if (!issued.ok) return fail(`line ${index} (\`Issued At\`) ${issued.problem}`);

  const fields: SiweFields = {
    scheme,
    domain,
    address: checksummed,
    statement,
    uri,
    version: '1',
    chainId: BigInt(chainText),
    nonce,
    issuedAt: issued.instant,
    expirationTime: null,
    notBefore: null,
    requestId: null,
    resources: null,
  };

  // The optional fields, each at most once and in the grammar's order.
  let allowedFrom = 0;
  const seen = new Set<Optional>();
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const n = index + 1;
    if (line === '' && index === lines.length - 1) {
      return fail(
        `the message ends with a line break after line ${index}: an EIP-4361 message ends with its last field`,
      );
    }
    const position = OPTIONAL_FIELDS.findIndex((f) =>
      f.key === 'resources' ? line === f.label : line.startsWith(f.label),
    );
    const field = OPTIONAL_FIELDS[position];
    if (!field) {
      const expected = OPTIONAL_FIELDS.slice(allowedFrom).map((f) => f.label);
      return fail(
        `line ${n} should be ${listOf(expected)} (or the message should end at line ${index}), not ${describeLine(line)}`,
      );
    }
    if (seen.has(field.key)) return fail(`line ${n} repeats \`${field.label.trim()}\`, which may appear once`);
    if (position < allowedFrom) {
      const previous = OPTIONAL_FIELDS[allowedFrom - 1]?.label ?? '';
      return fail(
        `line ${n} is \`${field.label}...\`, which must come before \`${previous}...\` (EIP-4361 fixes the order)`,
      );
    }
    seen.add(field.key);
    allowedFrom = position + 1;
    index += 1;
    const value = line.slice(field.label.length);
    if (field.key === 'expirationTime' || field.key === 'notBefore') {
      const parsed = parseRfc3339DateTime(value);
      if (!parsed.ok) return fail(`line ${n} (\`${field.label.trim().slice(0, -1)}\`) ${parsed.problem}`);
      fields[field.key] = parsed.instant;
    } else if (field.key === 'requestId') {
      if (!REQUEST_ID_RE.test(value)) {
        return fail(`line ${n} has a request id with characters outside RFC 3986 pchar`);
      }
      fields.requestId = value;
    } else {
      // resources = *( LF "- " URI ), running to the end of the message.
      const resources: string[] = [];
      for (; index < lines.length; index += 1) {
        const entry = lines[index] ?? '';
        const m = index + 1;
        if (entry === '' && index === lines.length - 1) {
          return fail(
            `the message ends with a line break after line ${index}: an EIP-4361 message ends with its last field`,
          );
        }
        if (!entry.startsWith('- ')) {
          return fail(`line ${m} should be a resource, \`- \` and a URI (the list runs to the end of the message)`);
        }
        if (!isRfc3986Uri(entry.slice(2))) return fail(`line ${m} has a resource that is not an RFC 3986 URI`);
        resources.push(entry.slice(2));
      }
      fields.resources = resources;
    }
  }
  return { ok: true, fields };
}
