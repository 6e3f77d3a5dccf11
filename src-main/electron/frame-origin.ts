/**
 * Who is calling: the IPC router and the navigation guard accept only the
 * app's own page, named by origin (scheme + host + port). URLs without a host
 * (about:blank, data:, file:, blob:) have no origin here and so never match:
 * there is deliberately no exception for blank pages.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!parsed.host || parsed.username || parsed.password) return null;
  return `${parsed.protocol}//${parsed.host}`;
}

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export function isAppTopFrame(frame: FrameLike | null | undefined, appOrigin: string): boolean {
  if (!frame || frame.parent !== null) return false;
  const origin = originOf(frame.url);
  return origin !== null && origin === appOrigin;
}
