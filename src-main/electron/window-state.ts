/**
 * The main window's size, position and maximised state across runs, in a small
 * JSON file in the user data folder. A file that is missing, damaged or places
 * the window on a display that is gone falls back to a centred default.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../core/api/files.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent: let the window manager centre the window. */
  position: { x: number; y: number } | null;
  width: number;
  height: number;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
export const MIN_WIDTH = 640;
export const MIN_HEIGHT = 420;
export const defaultWindowState: WindowState = { position: null, width: 1280, height: 820, maximized: false };

const coordinate = z.number().int().min(-100_000).max(100_000);
const stored = z.object({
  position: z.object({ x: coordinate, y: coordinate }).nullable(),
  width: z.number().int().min(MIN_WIDTH).max(100_000),
  height: z.number().int().min(MIN_HEIGHT).max(100_000),
  maximized: z.boolean(),
});

/** How much of the window must lie on a display for the saved position to be kept. */
const VISIBLE_PX = 64;

/** Keeps a saved state usable on the displays there are now. */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return state;
  const widest = Math.max(...workAreas.map((a) => a.width));
  const tallest = Math.max(...workAreas.map((a) => a.height));
  const width = Math.max(MIN_WIDTH, Math.min(state.width, widest));
  const height = Math.max(MIN_HEIGHT, Math.min(state.height, tallest));
  const position = state.position;
  const visible =
    position !== null &&
    workAreas.some((a) => overlap(position.x, width, a.x, a.width) >= VISIBLE_PX && overlap(position.y, height, a.y, a.height) >= VISIBLE_PX);
  return { position: visible ? position : null, width, height, maximized: state.maximized };
}

function overlap(start: number, length: number, areaStart: number, areaLength: number): number {
  return Math.min(start + length, areaStart + areaLength) - Math.max(start, areaStart);
}

export function readWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fitToDisplays(defaultWindowState, workAreas);
  }
  const parsed = stored.safeParse(raw);
  return fitToDisplays(parsed.success ? parsed.data : defaultWindowState, workAreas);
}

export function writeWindowState(file: string, state: WindowState): void {
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** The state to remember: the normal (unmaximised) bounds, so un-maximising next time restores them. */
export function stateFromWindow(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    position: { x: Math.round(normalBounds.x), y: Math.round(normalBounds.y) },
    width: Math.max(MIN_WIDTH, Math.round(normalBounds.width)),
    height: Math.max(MIN_HEIGHT, Math.round(normalBounds.height)),
    maximized,
  };
}
