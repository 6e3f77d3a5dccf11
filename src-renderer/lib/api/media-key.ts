function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The key image addresses carry instead of the token (an <img> cannot send a
 * header): HMAC-SHA256(token, "photo-search media") as base64url, the same as the
 * server's mediaKey (src-main/server/security.ts). It opens photos and thumbnails
 * only, so an image address that is copied elsewhere exposes no operation.
 * WebCrypto is there because 127.0.0.1 and localhost are secure contexts.
 */
export async function deriveMediaKey(token: string, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
  const encoder = new TextEncoder();
  const key = await subtle.importKey('raw', encoder.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await subtle.sign('HMAC', key, encoder.encode('photo-search media'))));
}
