/**
 * The renderer's Content-Security-Policy: its own scripts only, photos through
 * photo://, no network. The dev server additionally needs its HMR socket.
 */
export function contentSecurityPolicy(devServerOrigin: string | null): string {
  const self = devServerOrigin ? `'self' ${devServerOrigin}` : `'self'`;
  const connect = devServerOrigin ? `${self} ${devServerOrigin.replace(/^http/, 'ws')}` : self;
  return [
    `default-src ${self}`,
    `script-src ${self}`,
    // Svelte sets inline style attributes for transitions and virtual-list positioning.
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} photo: data: blob:`,
    `font-src ${self} data:`,
    `connect-src ${connect}`,
    `media-src 'none'`,
    `object-src 'none'`,
    `frame-src 'none'`,
    `worker-src ${self} blob:`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}
