/** The app's one window: locked-down web preferences and remembered bounds. */
import { BrowserWindow, screen } from 'electron';
import { errorMessage } from '../core/api/errors.ts';
import { MIN_HEIGHT, MIN_WIDTH, readWindowState, stateFromWindow, writeWindowState } from './window-state.ts';

export interface MainWindowOptions {
  preload: string;
  url: string;
  stateFile: string;
  log: (message: string) => void;
}

export function createMainWindow({ preload, url, stateFile, log }: MainWindowOptions): BrowserWindow {
  const state = readWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(state.position ?? {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'Photo Search',
    backgroundColor: '#16181d',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    try {
      writeWindowState(stateFile, stateFromWindow(win.getNormalBounds(), win.isMaximized()));
    } catch (err) {
      log(`Could not remember the window size: ${errorMessage(err)}`);
    }
  });
  win.loadURL(url).catch((err: unknown) => log(`Loading ${url} failed: ${errorMessage(err)}`));
  return win;
}
