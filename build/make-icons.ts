/**
 * Renders build/icon.svg to the PNGs electron-builder packages: icon.png
 * (1024 px, converted to .icns/.ico for macOS and Windows) and icons/<N>x<N>.png
 * for Linux. Run with `npx tsx build/make-icons.ts` after changing the SVG.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const here = import.meta.dirname;
const svg = fs.readFileSync(path.join(here, 'icon.svg'));
const linuxSizes = [16, 32, 48, 64, 128, 256, 512];

// The SVG is drawn at 1024 px; every size is scaled down from that.
const render = (size: number, file: string) => sharp(svg).resize(size, size).png().toFile(file);

fs.mkdirSync(path.join(here, 'icons'), { recursive: true });
await render(1024, path.join(here, 'icon.png'));
for (const size of linuxSizes) await render(size, path.join(here, 'icons', `${size}x${size}.png`));
