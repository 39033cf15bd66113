/*
 * RFC 3986's URI grammar, for whatever must check an origin or a URI by the specification rather than by
 * one parser's leniency: the site's own origin (site-origin.ts) and the URIs in a sign-in message (auth/).
 */

// The building blocks, written as regular-expression sources named after
// the ABNF rules they stand for. Every repetition is over a character class
// or a `%XX` triplet that no neighbouring class starts with, so matching stays
// linear in the input.
const HEXDIG = '[0-9A-Fa-f]';
export const UNRESERVED = 'A-Za-z0-9\\-._~';
export const SUB_DELIMS = "!$&'()*+,;=";
export const GEN_DELIMS = ':/?#\\[\\]@';
const PCT_ENCODED = `%${HEXDIG}{2}`;
export const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT_ENCODED})`;
const SCHEME = '[A-Za-z][A-Za-z0-9+\\-.]*';
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT_ENCODED})*`;
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])';
const IPV4ADDRESS = `${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}`;
const H16 = `${HEXDIG}{1,4}`;
const LS32 = `(?:${H16}:${H16}|${IPV4ADDRESS})`;
const IPV6ADDRESS = `(?:${[
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|')})`;
// ABNF strings are case-insensitive, so the "v" may be "V".
const IPVFUTURE = `[vV]${HEXDIG}+\\.[${UNRESERVED}${SUB_DELIMS}:]+`;
const IP_LITERAL = `\\[(?:${IPV6ADDRESS}|${IPVFUTURE})\\]`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT_ENCODED})*`;
const HOST = `(?:${IP_LITERAL}|${IPV4ADDRESS}|${REG_NAME})`;
const AUTHORITY = `(?:${USERINFO}@)?${HOST}(?::[0-9]*)?`;
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ = `${PCHAR}+`;
const PATH_ABEMPTY = `(?:/${SEGMENT})*`;
const PATH_ABSOLUTE = `/(?:${SEGMENT_NZ}(?:/${SEGMENT})*)?`;
const PATH_ROOTLESS = `${SEGMENT_NZ}(?:/${SEGMENT})*`;
const HIER_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)`;
const QUERY = `(?:${PCHAR}|[/?])*`;
const URI = `${SCHEME}:${HIER_PART}(?:\\?${QUERY})?(?:#${QUERY})?`;

export const SCHEME_RE = new RegExp(`^${SCHEME}$`);
const AUTHORITY_RE = new RegExp(`^${AUTHORITY}$`);
const URI_RE = new RegExp(`^${URI}$`);

/** RFC 3986 `URI` (absolute, with scheme; fragment allowed). */
export function isRfc3986Uri(value: string): boolean {
  return URI_RE.test(value);
}

/** RFC 3986 `authority`: [ userinfo "@" ] host [ ":" port ]. */
export function isRfc3986Authority(value: string): boolean {
  return AUTHORITY_RE.test(value);
}
