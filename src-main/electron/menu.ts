/**
 * The native menu. Built as a plain template so its shape (shortcuts, the
 * dev-only items) is checked without Electron; main.ts turns it into a Menu.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuCommands {
  addFolders(): void;
  reindex(): void;
  find(): void;
  openLibraryFolder(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Dev tools and reload exist only when running from source. */
  dev: boolean;
  commands: MenuCommands;
}

export function menuTemplate({ platform, dev, commands }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Add Folder…', accelerator: 'CmdOrCtrl+O', click: () => commands.addFolders() },
      { label: 'Re-index', accelerator: 'CmdOrCtrl+Shift+R', click: () => commands.reindex() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', accelerator: 'Ctrl+Q' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { label: 'Find', accelerator: 'CmdOrCtrl+K', click: () => commands.find() },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(dev ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as const) : []),
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: 'Open Library Folder', click: () => commands.openLibraryFolder() }, ...(mac ? [] : [{ role: 'about' } as const])],
  };
  return [...(mac ? [{ role: 'appMenu' } as const] : []), file, { role: 'editMenu' }, view, { role: 'windowMenu' }, help];
}
