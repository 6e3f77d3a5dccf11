import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWindowState, fitToDisplays, readWindowState, stateFromWindow, writeWindowState } from '../../../src-main/electron/window-state.ts';

const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1410 };

describe('fitToDisplays', () => {
  it('keeps a window that is on a display', () => {
    const state = { position: { x: 100, y: 80 }, width: 1200, height: 800, maximized: true };
    expect(fitToDisplays(state, [laptop])).toEqual(state);
  });

  it('keeps a window on a second display while it is connected', () => {
    const state = { position: { x: 2200, y: 100 }, width: 1600, height: 1000, maximized: false };
    expect(fitToDisplays(state, [laptop, rightMonitor])).toEqual(state);
  });

  it('recentres a window left on a display that is gone and shrinks it to fit', () => {
    const state = { position: { x: 2200, y: 100 }, width: 2400, height: 1300, maximized: false };
    expect(fitToDisplays(state, [laptop])).toEqual({ position: null, width: 1920, height: 1050, maximized: false });
  });

  it('recentres a window that only shows a sliver', () => {
    const state = { position: { x: 1900, y: 100 }, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(state, [laptop]).position).toBeNull();
  });
});

describe('window state file', () => {
  let dir: string | null = null;
  const file = () => {
    dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'window-state-'));
    return path.join(dir, 'window-state.json');
  };
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('round-trips the normal bounds and the maximised flag', () => {
    const state = stateFromWindow({ x: 10.4, y: 20.6, width: 1000, height: 700 }, true);
    writeWindowState(file(), state);
    expect(readWindowState(file(), [laptop])).toEqual({ position: { x: 10, y: 21 }, width: 1000, height: 700, maximized: true });
    expect(fs.readdirSync(dir!)).toEqual(['window-state.json']);
  });

  it.each([
    ['missing', null],
    ['not JSON', '{"width": 10'],
    ['the wrong shape', '{"width": "wide"}'],
    ['a tiny window', '{"position": null, "width": 10, "height": 10, "maximized": false}'],
    ['a polluted object', '{"__proto__": {"width": 1}, "position": null}'],
  ])('falls back to the default when the file is %s', (_name, text) => {
    if (text !== null) fs.writeFileSync(file(), text);
    expect(readWindowState(file(), [laptop])).toEqual(defaultWindowState);
  });
});
