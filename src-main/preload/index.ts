/**
 * The preload: exposes the contract to the renderer and nothing else. One
 * function per operation (never a generic invoke), events as data only, photo
 * URLs built from ids, the desktop actions (a photo's file, the folder picker),
 * and the path of a file the user dropped (for an image query). Runs sandboxed,
 * so it is bundled to one CommonJS file that requires nothing but electron.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { OperationName, OperationOutputs, PhotoSearchApi } from '../core/api/contract.ts';
import { actionChannel, eventChannel, isBridgeEventName, operationChannel, type IpcReply, type PhotoActionName } from '../electron/channels.ts';
import { photoUrl, thumbnailUrl } from '../electron/photo-urls.ts';
import type { DesktopActionsBridge, PhotoSearchBridge } from './bridge-types.ts';

async function unwrap<T>(channel: string, payload: unknown): Promise<T> {
  const reply = (await ipcRenderer.invoke(channel, payload)) as IpcReply<T>;
  if (reply.ok) return reply.value;
  // A plain object survives the context bridge with its code; an Error would not.
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- see above
  throw reply.error;
}

function call<N extends OperationName>(name: N, input: unknown): Promise<OperationOutputs[N]> {
  return unwrap(operationChannel(name), input);
}

function action(name: PhotoActionName): (id: number) => Promise<void> {
  return (id) => unwrap(actionChannel(name), { id });
}

const api = {
  status: (input) => call('status', input),
  addFolders: (input) => call('addFolders', input),
  forgetFolder: (input) => call('forgetFolder', input),
  index: (input) => call('index', input),
  pauseIndexing: (input) => call('pauseIndexing', input),
  resumeIndexing: (input) => call('resumeIndexing', input),
  cancelIndexing: (input) => call('cancelIndexing', input),
  search: (input) => call('search', input),
  photo: (input) => call('photo', input),
  models: (input) => call('models', input),
  installModel: (input) => call('installModel', input),
  useModel: (input) => call('useModel', input),
  importModel: (input) => call('importModel', input),
  removeModel: (input) => call('removeModel', input),
  duplicates: (input) => call('duplicates', input),
  showWhere: (input) => call('showWhere', input),
  labels: (input) => call('labels', input),
  addLabel: (input) => call('addLabel', input),
  removeLabel: (input) => call('removeLabel', input),
  photoLabels: (input) => call('photoLabels', input),
  correctLabel: (input) => call('correctLabel', input),
  albums: (input) => call('albums', input),
  createAlbum: (input) => call('createAlbum', input),
  album: (input) => call('album', input),
  addToAlbum: (input) => call('addToAlbum', input),
  removeFromAlbum: (input) => call('removeFromAlbum', input),
  deleteAlbum: (input) => call('deleteAlbum', input),
  categories: (input) => call('categories', input),
  tagPhotos: (input) => call('tagPhotos', input),
  untagPhotos: (input) => call('untagPhotos', input),
  deleteCategory: (input) => call('deleteCategory', input),
  fitClassifiers: (input) => call('fitClassifiers', input),
  applyClassifiers: (input) => call('applyClassifiers', input),
  findPhoto: (input) => call('findPhoto', input),
  photoText: (input) => call('photoText', input),
  setTextReading: (input) => call('setTextReading', input),
  useTextModel: (input) => call('useTextModel', input),
} satisfies PhotoSearchApi;

const actions = {
  reveal: action('reveal'),
  open: action('open'),
  copyPath: action('copyPath'),
  chooseFolders: () => unwrap<string[]>(actionChannel('chooseFolders'), {}),
  trash: (ids) => unwrap(actionChannel('trash'), { ids }),
} satisfies DesktopActionsBridge;

function requirePhotoId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`A photo id is a positive whole number, not ${String(id)}.`);
  return id;
}

const bridge: PhotoSearchBridge = {
  ...api,
  onEvent(name, callback) {
    if (!isBridgeEventName(name)) throw new RangeError(`Unknown event "${String(name)}".`);
    const channel = eventChannel(name);
    const listener = (_event: Electron.IpcRendererEvent, data: unknown) => callback(data as Parameters<typeof callback>[0]);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  },
  thumbnailUrl: (id, size) => thumbnailUrl(requirePhotoId(id), size),
  photoUrl: (id) => photoUrl(requirePhotoId(id)),
  actions,
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

contextBridge.exposeInMainWorld('photoSearch', bridge);
