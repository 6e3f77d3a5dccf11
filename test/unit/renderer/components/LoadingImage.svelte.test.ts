import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import LoadingImage from '../../../../src-renderer/components/LoadingImage.svelte';
import { imageRetry } from '../../../../src-renderer/lib/state/image-retry.svelte.ts';

describe('LoadingImage', () => {
  it('shows a broken image as broken, and asks for it again once the engine is back', async () => {
    render(LoadingImage, { src: '/api/thumb/1?size=256', alt: 'red.jpg' });
    const frame = screen.getByTestId('thumb');
    expect(frame.dataset.state).toBe('loading');
    await fireEvent.error(frame.querySelector('img')!);
    expect(frame.dataset.state).toBe('broken');
    expect(frame.querySelector('img')).toBeNull();

    imageRetry.again();
    flushSync();
    expect(frame.dataset.state).toBe('loading');
    const img = frame.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('/api/thumb/1?size=256');
    await fireEvent.load(img);
    expect(frame.dataset.state).toBe('loaded');
  });
});
