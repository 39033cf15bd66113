/** Number formats the token page and its charts share. Pure, with no imports: chart code in the browser uses it. */

/**
 * A share as the page prints it, two decimals; a share too small to show
 * at that precision says so instead of printing 0.00%.
 * @example formatPercent(0.00003) // '< 0.01%'
 */
export function formatPercent(n: number): string {
  return n > 0 && n < 0.00005 ? '< 0.01%' : `${(n * 100).toFixed(2)}%`;
}
