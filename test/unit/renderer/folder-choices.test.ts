import { describe, expect, it } from 'vitest';
import type { FolderStatus } from '../../../src-main/core/api/contract.ts';
import { folderChoices, parentFolder } from '../../../src-renderer/lib/query/folder-choices.ts';

const root = (path: string, photos = 1): FolderStatus => ({ path, photos, online: true, reason: null, lastScanAt: null });
const shape = (choices: ReturnType<typeof folderChoices>) => choices.map((c) => `${'  '.repeat(c.depth)}${c.label} = ${c.path}`);

describe('parentFolder', () => {
  it.each([
    ['/photos/Family/a.jpg', '/photos/Family'],
    ['/a.jpg', '/'],
    ['C:\\Users\\me\\Pictures\\a.jpg', 'C:\\Users\\me\\Pictures'],
    ['a.jpg', ''],
  ])('%s is in %s', (file, folder) => {
    expect(parentFolder(file)).toBe(folder);
  });
});

describe('folderChoices', () => {
  it('lists the library folders alone when no result has been seen', () => {
    expect(shape(folderChoices([root('/photos', 1234), root('/media/usb', 2)], [], ''))).toEqual(['photos (1,234) = /photos', 'usb (2) = /media/usb']);
  });

  it('puts each subfolder under its library folder, parents first, in natural order', () => {
    const seen = ['/photos/Trips/2021', '/photos/Family', '/photos', '/photos/Trips/2019', '/photos/Trips/300', '/media/usb/DCIM'];
    expect(shape(folderChoices([root('/photos', 9), root('/media/usb', 2)], seen, ''))).toEqual([
      'photos (9) = /photos',
      '  Family = /photos/Family',
      '  Trips = /photos/Trips',
      '    300 = /photos/Trips/300',
      '    2019 = /photos/Trips/2019',
      '    2021 = /photos/Trips/2021',
      'usb (2) = /media/usb',
      '  DCIM = /media/usb/DCIM',
    ]);
  });

  it('does not take a look-alike folder for a subfolder', () => {
    expect(shape(folderChoices([root('/photos')], ['/photos-private/secret', '/photoshop'], ''))).toEqual(['photos (1) = /photos']);
  });

  it('leaves out folders of a library folder that was removed', () => {
    expect(shape(folderChoices([root('/photos')], ['/old/Family'], ''))).toEqual(['photos (1) = /photos']);
  });

  it('handles Windows paths and a library folder at a drive root', () => {
    expect(shape(folderChoices([root('D:\\')], ['D:\\Camera\\2024'], ''))).toEqual(['D:\\ (1) = D:\\', '  Camera = D:\\Camera', '    2024 = D:\\Camera\\2024']);
    expect(shape(folderChoices([root('C:\\Users\\me\\Pictures')], ['C:\\Users\\me\\Pictures\\Family'], ''))).toEqual([
      'Pictures (1) = C:\\Users\\me\\Pictures',
      '  Family = C:\\Users\\me\\Pictures\\Family',
    ]);
  });

  it('keeps the chosen folder on the list when no result shows it', () => {
    expect(shape(folderChoices([root('/photos')], [], '/photos/Family'))).toEqual(['photos (1) = /photos', 'Family = /photos/Family']);
    expect(folderChoices([root('/photos')], ['/photos/Family'], '/photos/Family')).toHaveLength(2);
  });
});
