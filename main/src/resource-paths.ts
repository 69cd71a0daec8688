// Where the window's files and the Python worker live: beside the sources in a checkout, under
// process.resourcesPath in a packaged app (see electron-builder.yml's extraResources).
import path from 'node:path';

export interface ResourcePaths {
  /** renderer/dist: index.html and its assets. */
  readonly rendererDir: string;
  /** The folder holding the Python worker package (the repo's app/). */
  readonly workerDir: string;
  /** build/icons: PNGs, 16…512 px. */
  readonly iconsDir: string;
  /** The compiled preload. */
  readonly preloadPath: string;
}

/** `distDir` is main/dist (where main.js runs from); `resourcesPath` is Electron's process.resourcesPath. */
export function resourcePaths(distDir: string, packaged: boolean, resourcesPath: string): ResourcePaths {
  const preloadPath = path.join(distDir, 'preload.cjs');
  if (packaged) {
    return {
      rendererDir: path.join(resourcesPath, 'renderer'),
      workerDir: path.join(resourcesPath, 'worker'),
      iconsDir: path.join(resourcesPath, 'icons'),
      preloadPath,
    };
  }
  const repo = path.resolve(distDir, '..', '..');
  return {
    rendererDir: path.join(repo, 'renderer', 'dist'),
    workerDir: path.join(repo, 'app'),
    iconsDir: path.join(repo, 'build', 'icons'),
    preloadPath,
  };
}
