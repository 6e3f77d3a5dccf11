import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate } from '../../../src-main/electron/menu.ts';

function commands() {
  return { addFolders: vi.fn(), reindex: vi.fn(), find: vi.fn(), openLibraryFolder: vi.fn() };
}

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

function byLabel(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  const found = items(template).find((item) => item.label === label);
  if (!found) throw new Error(`no menu item "${label}"`);
  return found;
}

const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('menuTemplate', () => {
  it('binds the file commands and Find to their shortcuts', () => {
    const c = commands();
    const template = menuTemplate({ platform: 'linux', dev: false, commands: c });
    expect(byLabel(template, 'Find').accelerator).toBe('CmdOrCtrl+K');
    expect(byLabel(template, 'Add Folder…').accelerator).toBe('CmdOrCtrl+O');
    click(byLabel(template, 'Find'));
    click(byLabel(template, 'Add Folder…'));
    click(byLabel(template, 'Re-index'));
    click(byLabel(template, 'Open Library Folder'));
    expect(c.find).toHaveBeenCalledOnce();
    expect(c.addFolders).toHaveBeenCalledOnce();
    expect(c.reindex).toHaveBeenCalledOnce();
    expect(c.openLibraryFolder).toHaveBeenCalledOnce();
  });

  it.each(['linux', 'win32', 'darwin'] as const)('has no dev tools or reload in a packaged app (%s)', (platform) => {
    const roles = items(menuTemplate({ platform, dev: false, commands: commands() })).map((item) => item.role);
    expect(roles).not.toContain('toggleDevTools');
    expect(roles).not.toContain('reload');
    expect(roles).toEqual(expect.arrayContaining(['editMenu', 'windowMenu']));
  });

  it('offers dev tools when running from source', () => {
    const roles = items(menuTemplate({ platform: 'linux', dev: true, commands: commands() })).map((item) => item.role);
    expect(roles).toContain('toggleDevTools');
  });

  it('follows each platform: the app menu on macOS, Quit under File elsewhere', () => {
    const mac = menuTemplate({ platform: 'darwin', dev: false, commands: commands() });
    const linux = menuTemplate({ platform: 'linux', dev: false, commands: commands() });
    expect(mac[0].role).toBe('appMenu');
    expect(items(linux).map((item) => item.role)).toContain('quit');
    expect(linux.map((item) => item.label ?? item.role)).toEqual(['&File', 'editMenu', '&View', 'windowMenu', 'help']);
  });
});
