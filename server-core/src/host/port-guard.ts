// Port rules across the Host's apps: a bind is usable when no other running app holds it, no other process
// listens on it, and (for the check the UI runs while editing) no other app's settings claim it.
import { parseBind, type AppSettings } from '../config/settings.js';
import { describePortHolder, type PortCheckResult, type PortHolder } from '../control/contract.js';
import type { AppDefinition } from '../config/app-definition.js';
import { GantryError } from '../errors.js';
import type { AppSlot } from './app-slot.js';
import { claimedPorts, tcpPorts } from './definitions.js';
import { explainBind, explainUnixBind, findPortHolder, nextFreePort } from './ports.js';

export interface PortConflict {
  readonly bind: string;
  readonly holder: PortHolder | null;
  readonly claimedBy: string | null;
  readonly suggestion: number | null;
}

/** The running app (other than exceptId) listening on port, if any. */
export function runningClaim(slots: Iterable<AppSlot>, port: number, exceptId: string): string | null {
  for (const s of slots) {
    if (s.id === exceptId || !s.isActive() || !s.runtime) continue;
    if (tcpPorts(s.runtime.status().settings).includes(port)) return s.id;
  }
  return null;
}

/** The first TCP bind of settings that is taken, with who holds it and a free port to use instead. */
export async function findBindConflict(
  slots: Iterable<AppSlot>,
  defs: readonly AppDefinition[],
  appId: string,
  settings: AppSettings,
): Promise<PortConflict | null> {
  for (const b of settings.bind) {
    const bind = parseBind(b);
    if (bind?.kind !== 'tcp' || bind.port === 0) continue;
    const other = runningClaim(slots, bind.port, appId);
    const probe = other ? null : await explainBind(bind.host, bind.port);
    if (!other && probe?.free) continue;
    if (probe && !probe.free && probe.code !== 'EADDRINUSE') {
      // Not a busy port but an impossible bind: no holder, no port to suggest, the reason.
      throw new GantryError('GANTRY_ERR_BIND', `${b}: ${probe.reason}`, { field: 'bind', reason: probe.reason, bind: b });
    }
    const holder = other ? null : await findPortHolder(bind.port);
    const suggestion = await nextFreePort(bind.host, bind.port, new Set(claimedPorts(defs, appId).keys()));
    return { bind: b, holder, claimedBy: other, suggestion };
  }
  return null;
}

export function conflictError(c: PortConflict): GantryError {
  const holder = describePortHolder(c.holder);
  const who = c.claimedBy ? ` by app ${c.claimedBy}` : holder ? ` by ${holder}` : '';
  return new GantryError('GANTRY_ERR_PORT_IN_USE', `${c.bind} is in use${who}`, { field: 'bind', reason: 'in use', ...c });
}

/** The check behind POST /api/ports/check: appId's own claim and own running listener do not count. */
export async function checkPort(
  slots: ReadonlyMap<string, AppSlot>,
  defs: readonly AppDefinition[],
  bindText: string,
  appId?: string,
): Promise<PortCheckResult> {
  const bind = parseBind(bindText);
  if (!bind) throw new GantryError('GANTRY_ERR_INVALID_CONFIG', 'bind: must be HOST:PORT', { field: 'bind', reason: 'must be HOST:PORT' });
  if (bind.kind !== 'tcp') {
    const own = appId !== undefined ? slots.get(appId) : undefined;
    const ownRunning = Boolean(own?.isActive() && own.runtime?.status().settings.bind.includes(bindText));
    const probe = ownRunning ? ({ free: true } as const) : await explainUnixBind(bind.path);
    return {
      bind: bindText,
      free: probe.free,
      holder: null,
      claimedBy: null,
      suggestion: null,
      ...(probe.free ? {} : { reason: probe.reason }),
    };
  }
  const claims = claimedPorts(defs, appId);
  const claimedBy = claims.get(bind.port) ?? runningClaim(slots.values(), bind.port, appId ?? '');
  const own = appId !== undefined ? slots.get(appId) : undefined;
  const ownRunning = Boolean(own?.isActive() && own.runtime && tcpPorts(own.runtime.status().settings).includes(bind.port));
  const probe = await explainBind(bind.host, bind.port);
  const free = probe.free || ownRunning;
  // Only a port in use has a holder to look for, and a port to suggest instead on the same address.
  const inUse = !probe.free && probe.code === 'EADDRINUSE';
  const holder = inUse ? await findPortHolder(bind.port) : null;
  const suggestion =
    (free && !claimedBy) || (!probe.free && !inUse) ? null : await nextFreePort(bind.host, bind.port, new Set(claims.keys()));
  const reason = !free && !probe.free ? probe.reason : claimedBy ? `claimed by app ${claimedBy}` : undefined;
  return { bind: bindText, free, holder, claimedBy: claimedBy ?? null, suggestion, ...(reason ? { reason } : {}) };
}
