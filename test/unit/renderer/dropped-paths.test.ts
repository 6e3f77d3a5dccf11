import { describe, expect, it } from 'vitest';
import { droppedPaths } from '../../../src-renderer/lib/dropped-paths.ts';

describe('droppedPaths', () => {
  it.each([
    ['a file URI', 'file:///home/ana/Pictures', '', ['/home/ana/Pictures']],
    ['an encoded file URI', 'file:///home/ana/My%20Photos/%C3%89t%C3%A9', '', ['/home/ana/My Photos/Été']],
    ['several URIs with a comment', '# from nautilus\r\nfile:///a\r\nfile:///b', '', ['/a', '/b']],
    ['a Windows file URI', 'file:///C:/Users/ana/Pictures', '', ['C:\\Users\\ana\\Pictures']],
    ['a localhost file URI', 'file://localhost/srv/photos', '', ['/srv/photos']],
    ['a plain absolute path', '', '/home/ana/Pictures', ['/home/ana/Pictures']],
    ['a plain Windows path', '', 'D:\\Photos', ['D:\\Photos']],
    ['a UNC path', '', '\\\\nas\\photos', ['\\\\nas\\photos']],
  ])('takes %s', (_case, uriList, plain, expected) => {
    expect(droppedPaths(uriList, plain)).toEqual(expected);
  });

  it.each([
    ['a web URL', 'https://example.com/photos', 'https://example.com/photos'],
    ['a file URI on another host', 'file://nas/share', ''],
    ['a javascript URL', 'javascript:alert(1)', 'javascript:alert(1)'],
    ['a relative name', '', 'Pictures'],
    ['a home-relative path', '', '~/Pictures'],
    ['nothing', '', ''],
  ])('ignores %s', (_case, uriList, plain) => {
    expect(droppedPaths(uriList, plain)).toEqual([]);
  });
});
