/**
 * A lookup of the deepest folder, among `entries`' `/`-separated prefixes,
 * that holds a file: walks the file's own ancestors (a few map lookups)
 * instead of testing every prefix, which made ownership and Application
 * lookups quadratic in trees of thousands of files. Of equal prefixes the
 * first entry wins, as a stable "longest prefix first" sort would pick.
 */
export function deepestFolder<T>(entries: Iterable<readonly [prefix: string, value: T]>): (file: string) => T | undefined {
  const byPrefix = new Map<string, T>();
  for (const [prefix, value] of entries) if (!byPrefix.has(prefix)) byPrefix.set(prefix, value);
  return (file) => {
    for (let cut = file.lastIndexOf("/"); cut >= 0; cut = file.lastIndexOf("/", cut - 1)) {
      const found = byPrefix.get(file.slice(0, cut));
      if (found !== undefined) return found;
      if (cut === 0) break;
    }
    return undefined;
  };
}
