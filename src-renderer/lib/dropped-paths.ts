/**
 * Folder paths from a drop, where the platform hands them over as text: file
 * managers put `file://` URIs in text/uri-list, some apps put a plain path in
 * text/plain. Anything else (web URLs, relative names) is not a local folder.
 */
export function droppedPaths(uriList: string, plain: string): string[] {
  const fromUris = uriList
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .flatMap((line) => {
      if (!line.toLowerCase().startsWith('file://')) return [];
      try {
        const url = new URL(line);
        if (url.host !== '' && url.host !== 'localhost') return [];
        const path = decodeURIComponent(url.pathname);
        return [/^\/[A-Za-z]:\//.test(path) ? path.slice(1).replaceAll('/', '\\') : path];
      } catch {
        return [];
      }
    });
  if (fromUris.length) return fromUris;
  return plain
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('/') || /^[A-Za-z]:[\\/]/.test(line) || line.startsWith('\\\\'));
}
