import { describe, expect, it, vi } from 'vitest';
import { createAppCommands, type AppCommandDeps } from '../../../src-main/electron/app-commands.ts';
import { EngineCallError } from '../../../src-main/electron/shell-errors.ts';
import { fakeApi } from './fakes.ts';

function setup(picked: string[]) {
  const engine = fakeApi();
  const deps = {
    engine,
    chooseFolders: vi.fn(async () => picked),
    openLibraryFolder: vi.fn(),
    showError: vi.fn<AppCommandDeps['showError']>(),
    emit: vi.fn(),
  };
  return { engine, deps, commands: createAppCommands(deps) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('app commands', () => {
  it('adds the picked folders, then indexes them', async () => {
    const { engine, commands } = setup(['/photos/2024', '/photos/2025']);
    commands.addFolders();
    await settle();
    expect(engine.calls).toEqual([
      { name: 'addFolders', input: { paths: ['/photos/2024', '/photos/2025'] } },
      { name: 'index', input: { paths: ['/photos/2024', '/photos/2025'] } },
    ]);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const { engine, commands } = setup([]);
    commands.addFolders();
    await settle();
    expect(engine.calls).toEqual([]);
  });

  it('shows the engine message when a folder cannot be added', async () => {
    const { engine, deps, commands } = setup(['/gone']);
    engine.addFolders = async () => {
      throw new EngineCallError({ code: 'invalid-input', message: 'Cannot add /gone: no such folder.' });
    };
    commands.addFolders();
    await settle();
    expect(deps.showError).toHaveBeenCalledWith('Could not add the folder', 'Cannot add /gone: no such folder.');
  });

  it('re-indexes every folder and reports a failure', async () => {
    const { engine, deps, commands } = setup([]);
    engine.index = async () => {
      throw new EngineCallError({ code: 'model-missing', message: 'No model is set up.' });
    };
    commands.reindex();
    await settle();
    expect(deps.showError).toHaveBeenCalledWith('Indexing failed', 'No model is set up.');
  });

  it('sends Find to the window as an event', () => {
    const { deps, commands } = setup([]);
    commands.find();
    expect(deps.emit).toHaveBeenCalledWith('find', {});
  });
});
