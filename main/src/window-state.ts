// Remembers the window's size and position across runs in <config dir>/window-state.json, written atomically.
// A saved position is only reused when it is still mostly on one of the current screens (monitors come and go).
import { readJsonFile, writeJsonFile } from './json-file.js';

export interface WindowBounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  readonly bounds: WindowBounds;
  readonly maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
const VERSION = 1;

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1_000_000;
}

/** Parses the file's content; null for anything malformed (the window then opens at its default size). */
export function parseWindowState(text: string): WindowState | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as Record<string, unknown>;
  const b = d.bounds as Record<string, unknown> | undefined;
  if (d.version !== VERSION || typeof b !== 'object' || b === null) return null;
  if (!isInt(b.x) || !isInt(b.y) || !isInt(b.width) || !isInt(b.height) || b.width <= 0 || b.height <= 0) return null;
  return { bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: d.maximized === true };
}

function overlap(a: WindowBounds, b: WindowBounds): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * The bounds to open with: the saved ones when at least half the window is on one work area, clamped to that
 * area's size; otherwise null (default size, centred on the primary screen).
 */
export function fitToScreens(bounds: WindowBounds, workAreas: readonly WindowBounds[]): WindowBounds | null {
  let best: WindowBounds | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const o = overlap(bounds, area);
    if (o > bestArea) {
      best = area;
      bestArea = o;
    }
  }
  if (best === null || bestArea < (bounds.width * bounds.height) / 2) return null;
  return { x: bounds.x, y: bounds.y, width: Math.min(bounds.width, best.width), height: Math.min(bounds.height, best.height) };
}

export function loadWindowState(dir: string): Promise<WindowState | null> {
  return readJsonFile(dir, WINDOW_STATE_FILE, parseWindowState, null);
}

export function saveWindowState(dir: string, state: WindowState): Promise<void> {
  return writeJsonFile(dir, WINDOW_STATE_FILE, { version: VERSION, bounds: state.bounds, maximized: state.maximized });
}
