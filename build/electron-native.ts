/**
 * `npm run electron:native` (run by `npm run dev`): puts a better-sqlite3 addon
 * built for the installed Electron into .cache/electron-native/<version>/, which
 * the engine process loads when the app runs from source. node_modules keeps its
 * Node build for the CLI and the tests, so neither has to be rebuilt back and forth.
 * It takes better-sqlite3's prebuilt binary for Electron when it can be downloaded,
 * and otherwise compiles it against Electron's headers. `--force` builds it again.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQLITE_BINDING_FILE, electronNativeDir } from '../src-main/electron/native-binding.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ELECTRON_HEADERS = 'https://electronjs.org/headers';
/** What better-sqlite3's own install step compiles from; the rest of the package is not needed to build. */
const BUILD_SOURCES = ['package.json', 'binding.gyp', 'src', 'deps'];

interface Target {
  electron: string;
  betterSqlite3: string;
  platform: NodeJS.Platform;
  arch: string;
}

class NativeBuildError extends Error {}

const projectRequire = createRequire(path.join(ROOT, 'package.json'));

function installedVersion(name: string): { dir: string; version: string } {
  let manifest: string;
  try {
    manifest = projectRequire.resolve(`${name}/package.json`);
  } catch {
    throw new NativeBuildError(`${name} is not installed. Run \`npm install\` first.`);
  }
  return { dir: path.dirname(manifest), version: (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version };
}

function readStamp(file: string): Target | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Target;
  } catch {
    return null;
  }
}

const sameTarget = (a: Target | null, b: Target) =>
  a !== null && a.electron === b.electron && a.betterSqlite3 === b.betterSqlite3 && a.platform === b.platform && a.arch === b.arch;

const indent = (text: string) => text.replace(/^/gm, '    ');

/** node-gyp's closing lines (versions, command, stack frames) say nothing about the cause. */
const BOILERPLATE = /ERR! (System|command|cwd|node -v|node-gyp -v|\$npm_|not ok|stack\s+at )|^\((node:\d+|Use `node --trace-warnings)/;

/** The last telling lines a failed tool printed: enough to tell a network failure from a compiler one. */
function tail(output: string, lines = 6): string {
  const telling = output.split('\n').filter((line) => line.trim() && !BOILERPLATE.test(line));
  return telling.slice(-lines).join('\n') || '(no output)';
}

/**
 * npm passes its settings to scripts as npm_config_* variables, and node-gyp and
 * prebuild-install obey them over their arguments: a `nodedir` in an npmrc would
 * silently build against Node's headers. The target is given as arguments only.
 */
const TARGET_SETTINGS = /^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|platform|build_from_source)$/i;

function toolEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !TARGET_SETTINGS.test(name)));
}

function run(command: string, args: string[], cwd: string, opts: { quiet: boolean; timeoutMs: number }): { ok: boolean; output: string } {
  const result = spawnSync(process.execPath, [command, ...args], {
    cwd,
    env: toolEnv(),
    encoding: 'utf8',
    stdio: opts.quiet ? 'pipe' : ['ignore', 'inherit', 'pipe'],
    timeout: opts.timeoutMs,
  });
  if (!opts.quiet && result.stderr) process.stderr.write(result.stderr);
  const output = result.error ? result.error.message : `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, output };
}

/** better-sqlite3's own prebuilt addon for this Electron, from its GitHub release. */
function downloadPrebuilt(work: string, sqliteDir: string, target: Target): string | null {
  const bin = createRequire(path.join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
  const args = ['--runtime', 'electron', '--target', target.electron, '--arch', target.arch, '--platform', target.platform];
  const result = run(bin, args, work, { quiet: true, timeoutMs: 120_000 });
  return result.ok ? null : tail(result.output);
}

/** node-gyp comes with npm (npm_execpath is set under `npm run`); electron-builder's rebuild step installs one too. */
function findNodeGyp(): string | null {
  const candidates: string[] = [];
  if (process.env.npm_execpath) candidates.push(path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(projectRequire.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // Not installed next to the project: npm's own copy is the only candidate.
  }
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

function compile(work: string, target: Target): string | null {
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) return 'node-gyp was not found (it comes with npm: run this through `npm run electron:native`).';
  console.log(`Compiling better-sqlite3 ${target.betterSqlite3} against the headers of Electron ${target.electron}; this takes a few minutes…`);
  const args = ['rebuild', '--release', `--target=${target.electron}`, `--arch=${target.arch}`, `--dist-url=${ELECTRON_HEADERS}`];
  const result = run(nodeGyp, args, work, { quiet: false, timeoutMs: 30 * 60_000 });
  return result.ok ? null : tail(result.output);
}

/**
 * An addon built for Electron refuses to load in Node with a NODE_MODULE_VERSION
 * error; one that loads was built for Node, whatever the build was asked for.
 */
function checkNotForNode(addon: string, target: Target): void {
  const probe = spawnSync(process.execPath, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', addon], { encoding: 'utf8' });
  if (probe.status === 0) {
    throw new NativeBuildError(
      `The addon built for Electron ${target.electron} loads in Node ${process.versions.node}, so it was built against Node's headers instead of Electron's. ` +
        'Check for a nodedir or target setting in your npm configuration (`npm config list`).',
    );
  }
  if (!/NODE_MODULE_VERSION/.test(probe.stderr))
    throw new NativeBuildError(`The addon built for Electron ${target.electron} is not a loadable addon:\n${indent(tail(probe.stderr))}`);
}

function build(target: Target, sqliteDir: string, outDir: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(outDir, 'build-'));
  try {
    for (const entry of BUILD_SOURCES) fs.cpSync(path.join(sqliteDir, entry), path.join(work, entry), { recursive: true });
    const prebuiltProblem = downloadPrebuilt(work, sqliteDir, target);
    const compileProblem = prebuiltProblem === null ? null : compile(work, target);
    const built = path.join(work, 'build', 'Release', SQLITE_BINDING_FILE);
    if (prebuiltProblem !== null && compileProblem !== null) {
      throw new NativeBuildError(
        [
          `Could not get better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron} (${target.platform}-${target.arch}).`,
          `The prebuilt binary could not be downloaded from GitHub:\n${indent(prebuiltProblem)}`,
          `Building it from source failed (this needs ${ELECTRON_HEADERS} to be reachable, Python 3, make and a C++ compiler):\n${indent(compileProblem)}`,
          'Without it the app run from source (`npm run dev`) cannot open the library; `npx electron-vite dev` starts it anyway. ' +
            'The command line, `photo-search serve` and the tests do not need it.',
        ].join('\n\n'),
      );
    }
    if (!fs.existsSync(built)) throw new NativeBuildError(`The build reported success but left no ${built}.`);
    checkNotForNode(built, target);
    const dest = path.join(outDir, SQLITE_BINDING_FILE);
    // Rename over the old file, so an engine starting meanwhile never loads half an addon.
    fs.copyFileSync(built, `${dest}.tmp`);
    fs.renameSync(`${dest}.tmp`, dest);
    fs.writeFileSync(path.join(outDir, 'build.json'), `${JSON.stringify(target, null, 2)}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main(): void {
  const electron = installedVersion('electron');
  const sqlite = installedVersion('better-sqlite3');
  const target: Target = { electron: electron.version, betterSqlite3: sqlite.version, platform: process.platform, arch: process.arch };
  const outDir = electronNativeDir(ROOT, target.electron);
  const dest = path.join(outDir, SQLITE_BINDING_FILE);
  const shown = path.relative(ROOT, dest);
  if (!process.argv.includes('--force') && fs.existsSync(dest) && sameTarget(readStamp(path.join(outDir, 'build.json')), target)) {
    console.log(`better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron} is ready: ${shown}`);
    return;
  }
  build(target, sqlite.dir, outDir);
  console.log(`Built better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron}: ${shown}`);
}

try {
  main();
} catch (err) {
  if (!(err instanceof NativeBuildError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
