/**
 * Reads `names` from the address bar and removes them at once (history.replaceState), so a token or an
 * account name is not left in history, bookmarks or screenshots.
 */
export function takeFromAddressBar<N extends string>(...names: N[]): Record<N, string | null> {
  const url = new URL(window.location.href);
  const values = {} as Record<N, string | null>;
  for (const name of names) {
    values[name] = url.searchParams.get(name);
    url.searchParams.delete(name);
  }
  if (names.some((name) => values[name] !== null)) window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  return values;
}
