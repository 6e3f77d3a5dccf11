import { describe, expect, it, vi } from 'vitest';
import { takePageToken } from '../../../src-renderer/lib/api/page-token.ts';

function page(hash: string, stored: string | null = null) {
  const storage = new Map<string, string>(stored ? [['photo-search-token', stored]] : []);
  return {
    location: { hash, pathname: '/', search: '' },
    history: { replaceState: vi.fn() },
    storage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) },
    stored: () => storage.get('photo-search-token') ?? null,
  };
}

describe('the page token', () => {
  it('is read from the address fragment, kept for this tab, and taken out of the address bar', () => {
    const p = page('#token=abc_DEF-123');
    expect(takePageToken(p.location, p.history, p.storage)).toBe('abc_DEF-123');
    expect(p.stored()).toBe('abc_DEF-123');
    expect(p.history.replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('survives a reload from the tab’s storage', () => {
    const p = page('', 'kept');
    expect(takePageToken(p.location, p.history, p.storage)).toBe('kept');
    expect(p.history.replaceState).not.toHaveBeenCalled();
  });

  it('takes a new token in the fragment over the stored one', () => {
    const p = page('#token=new', 'old');
    expect(takePageToken(p.location, p.history, p.storage)).toBe('new');
    expect(p.stored()).toBe('new');
  });

  it('is null for a page opened without one', () => {
    const p = page('#something=else');
    expect(takePageToken(p.location, p.history, p.storage)).toBeNull();
  });

  it('works where storage is refused (private modes)', () => {
    const p = page('#token=abc');
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(takePageToken(p.location, p.history, refusing)).toBe('abc');
  });
});
