/**
 * One value per key of a small, fixed set (a locale, a font file of a package), made on first use
 * and kept for the life of the process. Only for keys the code itself names, never for keys from
 * input: nothing here is ever let go, so an open-ended key set would grow without bound.
 * @example
 * const translatorOf = memoized((locale: Locale) => makeTranslator(locale));
 */
export function memoized<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    if (made.has(key)) return made.get(key) as V;
    const value = make(key);
    made.set(key, value);
    return value;
  };
}
