/** macOS and iOS name the command key ⌘; everywhere else shortcuts use Ctrl. */
export function isApple(platform: string = navigator.platform): boolean {
  return /Mac|iPhone|iPad/.test(platform);
}

export function shortcutLabel(key: string): string {
  return isApple() ? `⌘${key}` : `Ctrl ${key}`;
}
