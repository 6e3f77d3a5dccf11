import { describe, expect, it } from 'vitest';
import { BACKGROUND, darkColour, renderScene, sceneDifference } from '../../fixtures/scenes.ts';

function pixel(scene: ReturnType<typeof renderScene>, x: number, y: number): number[] {
  const at = (y * scene.width + x) * 3;
  return [...scene.data.subarray(at, at + 3)];
}

describe('renderScene (the convention the tiny test model is built for)', () => {
  it('fills a plain scene with the background colour', () => {
    const scene = renderScene({ colour: 'yellow', pattern: 'plain', width: 40, height: 30 });
    expect(scene.channels).toBe(3);
    expect(scene.data.length).toBe(40 * 30 * 3);
    expect(pixel(scene, 0, 0)).toEqual([235, 205, 40]);
    expect(pixel(scene, 20, 15)).toEqual([235, 205, 40]);
  });

  it('draws a centred disc at half brightness, 60% of the short side across', () => {
    const scene = renderScene({ colour: 'red', pattern: 'circle', width: 200, height: 100 });
    expect(darkColour('red')).toEqual([110, 15, 15]);
    expect(pixel(scene, 100, 50)).toEqual([110, 15, 15]);
    expect(pixel(scene, 100 + 28, 50)).toEqual([110, 15, 15]);
    expect(pixel(scene, 100 + 32, 50)).toEqual([...BACKGROUND.red]);
    expect(pixel(scene, 5, 5)).toEqual([...BACKGROUND.red]);
  });

  it('draws horizontal stripes with period height/8, the first half of each period dark', () => {
    const scene = renderScene({ colour: 'blue', pattern: 'stripes', width: 10, height: 80 });
    const column = Array.from({ length: 80 }, (_, y) => (pixel(scene, 3, y)[2] === 110 ? 'd' : 'l')).join('');
    expect(column).toBe('dddddlllll'.repeat(8));
    expect(pixel(scene, 0, 0)).toEqual(pixel(scene, 9, 0));
  });

  it('shifts the stripes by the phase', () => {
    const scene = renderScene({ colour: 'green', pattern: 'stripes', width: 4, height: 80, phase: 0.5 });
    expect(pixel(scene, 0, 0)).toEqual([...BACKGROUND.green]);
    expect(pixel(scene, 0, 5)).toEqual([...darkColour('green')]);
  });

  it('measures a matching image as close and a different one as far', () => {
    const spec = { colour: 'green', pattern: 'stripes', width: 64, height: 48 } as const;
    expect(sceneDifference(renderScene(spec), spec)).toBe(0);
    expect(sceneDifference(renderScene({ ...spec, phase: 0.5 }), spec)).toBeGreaterThan(30);
    expect(sceneDifference(renderScene({ ...spec, colour: 'blue' }), spec)).toBeGreaterThan(30);
  });
});
