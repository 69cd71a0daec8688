// What a saved change means for the app running it: live settings go to the running app now; the rest is
// reported as waiting for a reload or a restart (the UI offers both). settings-table.ts says which is which.
import { settingApplies, SETTINGS, type AppSettings, type SettingKey } from '../config/settings.js';
import type { SettingsApplication } from '../control/contract.js';
import type { AppSlot } from './app-slot.js';

/** `before` and `after`: what the running profile resolved to before and after the save. */
export async function applySaved(slot: AppSlot, profile: string, before: AppSettings, after: AppSettings): Promise<SettingsApplication> {
  const changed = SETTINGS.map((spec) => spec.key as SettingKey).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const out: Record<'live' | 'reload' | 'restart', SettingKey[]> = { live: [], reload: [], restart: [] };
  for (const k of changed) out[settingApplies(k)].push(k);
  const rt = slot.runtime;
  if (out.live.length > 0 && rt && slot.isActive() && slot.profile === profile && rt.update) {
    const patch = Object.fromEntries(out.live.map((k) => [k, after[k]])) as Partial<AppSettings>;
    try {
      await rt.update(patch);
      if (out.live.includes('workers')) slot.scaled = null; // the saved count is the running count again
      slot.publishStatus();
    } catch {
      // Not applied now (the app is mid-reload, say): they wait for the next reload like the others.
      out.reload.push(...out.live.splice(0));
    }
  } else out.reload.push(...out.live.splice(0));
  return { profile, ...out };
}
