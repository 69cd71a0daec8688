// The desktop shell's own preferences (start at login, start minimised), in <config dir>/desktop.json.
// Kept apart from apps.json, which belongs to server-core and has its own schema.
import { readJsonFile, writeJsonFile } from './json-file.js';

export interface DesktopPrefs {
  readonly startAtLogin: boolean;
  readonly startMinimised: boolean;
}

const DESKTOP_PREFS_FILE = 'desktop.json';
export const DEFAULT_PREFS: DesktopPrefs = { startAtLogin: false, startMinimised: false };

export function parseDesktopPrefs(text: string): DesktopPrefs {
  try {
    const d = JSON.parse(text) as Record<string, unknown> | null;
    if (typeof d !== 'object' || d === null) return DEFAULT_PREFS;
    return { startAtLogin: d.startAtLogin === true, startMinimised: d.startMinimised === true };
  } catch {
    return DEFAULT_PREFS;
  }
}

export function loadDesktopPrefs(dir: string): Promise<DesktopPrefs> {
  return readJsonFile(dir, DESKTOP_PREFS_FILE, parseDesktopPrefs, DEFAULT_PREFS);
}

export function saveDesktopPrefs(dir: string, prefs: DesktopPrefs): Promise<void> {
  return writeJsonFile(dir, DESKTOP_PREFS_FILE, { version: 1, ...prefs });
}
