/**
 * The Electron main process: an orchestrator only. It locks down the session,
 * serves the renderer and photos over custom protocols, routes validated IPC
 * calls to the engine process and the engine's events back to the window, and
 * owns the menu and the window. No library work happens here.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, app, clipboard, dialog, ipcMain, net, protocol, session, shell } from 'electron';
import { defaultLibraryDir } from '../core/api/files.ts';
import { createPhotoActions, createTrashAction, oneDialogAtATime } from './actions.ts';
import { createAppCommands } from './app-commands.ts';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, createAppHandler } from './app-protocol.ts';
import { eventChannel, type BridgeEvents } from './channels.ts';
import { contentSecurityPolicy } from './content-security.ts';
import { electronDecodeProbe } from './decode-probe-process.ts';
import { spawnEngineProcess } from './engine-process.ts';
import { isAppTopFrame, originOf } from './frame-origin.ts';
import { actionRoutes, contractRoutes, createIpcRouter } from './ipc-router.ts';
import { createMainWindow } from './main-window.ts';
import { menuTemplate } from './menu.ts';
import { createPhotoHandler } from './photo-protocol.ts';
import { PHOTO_SCHEME } from './photo-urls.ts';
import { hardenSession, hardenWebContents } from './web-security.ts';
import { WINDOW_STATE_FILE } from './window-state.ts';
import { WorkerClient } from './worker-client.ts';

const log = (message: string) => console.error(`[photo-search] ${message}`);

const devServerUrl = app.isPackaged ? null : (process.env.ELECTRON_RENDERER_URL ?? null);
const devServerOrigin = devServerUrl ? originOf(devServerUrl) : null;
const rendererOrigin = devServerOrigin ?? APP_ORIGIN;
const csp = contentSecurityPolicy(devServerOrigin);
const outDir = path.join(import.meta.dirname, '..');

// The library lives where the CLI and the browser mode look for it (the same
// folder Electron would pick for "photo-search"); Chromium's own caches go to a
// subfolder so they do not mix with the library's files.
app.setPath('userData', defaultLibraryDir());
app.setPath('sessionData', path.join(app.getPath('userData'), 'chromium'));

protocol.registerSchemesAsPrivileged([
  // The renderer's bundle is ES modules loaded in CORS mode (Vite adds crossorigin).
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  // Photos are shown with <img>; without corsEnabled no other origin can read them.
  { scheme: PHOTO_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let engine: WorkerClient | null = null;
let engineStopped = false;

function broadcast<E extends keyof BridgeEvents>(name: E, data: BridgeEvents[E]): void {
  for (const win of BrowserWindow.getAllWindows()) {
    if (isAppTopFrame(win.webContents.mainFrame, rendererOrigin)) win.webContents.send(eventChannel(name), data);
  }
}

function openWindow(): void {
  mainWindow = createMainWindow({
    preload: path.join(outDir, 'preload', 'index.cjs'),
    url: devServerUrl ?? APP_ENTRY_URL,
    stateFile: path.join(app.getPath('userData'), WINDOW_STATE_FILE),
    log,
  });
  mainWindow.on('closed', () => (mainWindow = null));
}

function start(): void {
  const libraryDir = app.getPath('userData');
  const modelDir = process.env.PHOTO_SEARCH_MODEL ? path.resolve(process.env.PHOTO_SEARCH_MODEL) : null;
  const client = new WorkerClient({
    spawn: () => spawnEngineProcess(path.join(import.meta.dirname, 'worker.js')),
    config: { libraryDir, modelDir },
    onEvent: broadcast,
    log,
    probe: electronDecodeProbe(path.join(import.meta.dirname, 'decode-probe.js')),
  });
  engine = client;

  hardenSession(session.defaultSession, { csp, rendererOrigin, devServerOrigin, log });
  const serveFile = (file: string) => net.fetch(pathToFileURL(file).href);
  protocol.handle(
    PHOTO_SCHEME,
    createPhotoHandler({
      thumbnailFile: (id, size) => client.call('thumbnailFile', { id, size }),
      photoPath: (id) => client.call('photoPath', { id }),
      serveFile,
      log,
    }),
  );
  if (!devServerUrl) protocol.handle(APP_SCHEME, createAppHandler({ root: path.join(outDir, 'renderer'), csp, serveFile, log }));

  const chooseFolders = oneDialogAtATime(async () => {
    const options: Electron.OpenDialogOptions = { title: 'Add folders to the library', properties: ['openDirectory', 'multiSelections'] };
    const picked = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? [] : picked.filePaths;
  });
  const actions = createPhotoActions({ photoPath: (id) => client.call('photoPath', { id }), shell, clipboard });
  const trash = createTrashAction({ photoPath: (id) => client.call('photoPath', { id }), trashItem: (file) => shell.trashItem(file) });
  createIpcRouter({
    ipcMain,
    appOrigin: () => rendererOrigin,
    routes: [...contractRoutes(client.api), ...actionRoutes(actions, { chooseFolders }, trash)],
    log,
  });
  client.start();

  const commands = createAppCommands({
    engine: client.api,
    chooseFolders,
    openLibraryFolder() {
      void shell.openPath(libraryDir);
    },
    showError(title, message) {
      const box: Electron.MessageBoxOptions = { type: 'error', title, message: title, detail: message };
      void (mainWindow ? dialog.showMessageBox(mainWindow, box) : dialog.showMessageBox(box));
    },
    emit: broadcast,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ platform: process.platform, dev: !app.isPackaged, commands })));
  openWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    // Only the dev server's own reloads may navigate; a packaged app never navigates.
    hardenWebContents(contents, (url) => devServerOrigin !== null && originOf(url) === devServerOrigin, log);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && app.isReady()) openWindow();
  });
  app.on('before-quit', (event) => {
    if (engineStopped || !engine) return;
    // Let the engine close the library (checkpoint the index) before the app exits.
    event.preventDefault();
    void engine.stop().finally(() => {
      engineStopped = true;
      app.quit();
    });
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      log(`The app could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      app.exit(1);
    });
}
