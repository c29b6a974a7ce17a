/** The folder rules of STYLE.md, checked on every import: where code may run decides what it may import. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
}

const layer = (file: string) => relative(ROOT, file).split(sep)[0];

describe('layering', () => {
  const files = ['shared', 'electron', 'renderer'].flatMap((dir) => sourceFiles(join(ROOT, dir)));

  it('only electron/main.ts and electron/preload.ts import electron', () => {
    const offenders = files
      .filter((file) => importsOf(file).includes('electron'))
      .map((file) => relative(ROOT, file))
      .filter((file) => file !== join('electron', 'main.ts') && file !== join('electron', 'preload.ts'));
    expect(offenders).toEqual([]);
  });

  it('shared/ imports nothing from the other folders and nothing from Node', () => {
    const offenders = files
      .filter((file) => layer(file) === 'shared')
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('..') || spec.startsWith('node:'))
          .map((spec) => `${relative(ROOT, file)} -> ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('renderer/ talks only to the contract: no electron/ code and no Node modules', () => {
    const offenders = files
      .filter((file) => layer(file) === 'renderer' && !file.endsWith('vite.config.mts'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.includes('/electron/') || spec.startsWith('node:') || spec === 'electron')
          .map((spec) => `${relative(ROOT, file)} -> ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the engine never imports the hosts', () => {
    const offenders = files
      .filter((file) => relative(ROOT, file).startsWith(join('electron', 'engine')))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.includes('/host/'))
          .map((spec) => `${relative(ROOT, file)} -> ${spec}`),
      );
    expect(offenders).toEqual([]);
  });
});
