// The desktop shell's own preferences (start at login, start minimised), in <config dir>/desktop.json.
// Kept apart from apps.json, which belongs to server-core and has its own schema.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@gantry/server-core';

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

export async function loadDesktopPrefs(dir: string): Promise<DesktopPrefs> {
  try {
    return parseDesktopPrefs(await fs.readFile(path.join(dir, DESKTOP_PREFS_FILE), 'utf8'));
  } catch {
    return DEFAULT_PREFS;
  }
}

export async function saveDesktopPrefs(dir: string, prefs: DesktopPrefs): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, DESKTOP_PREFS_FILE), JSON.stringify({ version: 1, ...prefs }, null, 2) + '\n');
}
