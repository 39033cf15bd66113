/**
 * Comment bodies are plain text. This is the one place they become HTML:
 * every character is escaped, http(s) URLs become nofollow links, and line
 * breaks become <br>. Nothing a commenter types is ever interpreted as markup.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// Only http and https: a "javascript:" or "data:" URL is just text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the URL.
const TRAILING = /[.,;:!?)\]}'"]+$/;

function linkOrText(candidate: string): string {
  const trimmed = candidate.replace(TRAILING, '');
  const rest = candidate.slice(trimmed.length);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return escapeHtml(candidate);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return escapeHtml(candidate);
  const href = escapeHtml(url.href);
  return `<a href="${href}" rel="nofollow ugc noopener">${escapeHtml(trimmed)}</a>${escapeHtml(rest)}`;
}

/**
 * @example renderCommentBody('see https://x.org\n<b>') // 'see <a href="https://x.org/" rel="nofollow ugc noopener">https://x.org</a><br>&lt;b&gt;'
 */
export function renderCommentBody(body: string): string {
  return body
    .split(/\r\n|\r|\n/)
    .map((line) => {
      let html = '';
      let last = 0;
      for (const match of line.matchAll(URL_PATTERN)) {
        html += escapeHtml(line.slice(last, match.index));
        html += linkOrText(match[0]);
        last = match.index + match[0].length;
      }
      return html + escapeHtml(line.slice(last));
    })
    .join('<br>');
}
