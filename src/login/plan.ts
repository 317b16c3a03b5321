// Which login flow to run and whether to try a browser, decided from the flags and the
// surroundings alone (pure), so every combination can be tested without a desktop.
import type { Env } from '../config/files.ts';

export interface Surroundings {
  platform: NodeJS.Platform;
  env: Env;
}

export type Flow = 'pkce' | 'device';

export interface LoginPlan {
  flow: Flow;
  /** Try to open a browser (BROWSER or the platform's opener); the URL is printed either way. */
  openBrowser: boolean;
  /** Why the plan differs from what the user might expect, one line each, for stderr. */
  notes: string[];
}

function set(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

export function isWsl(s: Surroundings): boolean {
  return s.platform === 'linux' && (set(s.env.WSL_DISTRO_NAME) || set(s.env.WSL_INTEROP));
}

/** Why no browser can be opened on this machine, or undefined when one can. */
export function noBrowserReason(s: Surroundings): string | undefined {
  if (set(s.env.SSH_CONNECTION) || set(s.env.SSH_TTY) || set(s.env.SSH_CLIENT)) return 'over SSH';
  const desktop = s.platform === 'darwin' || s.platform === 'win32' || isWsl(s);
  if (!desktop && !set(s.env.DISPLAY) && !set(s.env.WAYLAND_DISPLAY))
    return 'no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

/**
 * sso-session profiles sign in with the authorization code flow (a browser on this machine
 * completes it through a loopback redirect); legacy profiles and --use-device-code use the
 * device flow. Over SSH or without a display a loopback redirect cannot reach us, so the device
 * flow is chosen unless BROWSER says how to open URLs here anyway (VS Code's remote terminals set
 * it to a helper that opens them on the user's desktop and forwards the port).
 */
export function planLogin(
  options: { legacy: boolean; useDeviceCode: boolean; noBrowser: boolean },
  s: Surroundings,
): LoginPlan {
  const notes: string[] = [];
  const browserVar = set(s.env.BROWSER);
  const reason = noBrowserReason(s);
  const browserUsable = !reason || browserVar;
  let flow: Flow = options.legacy || options.useDeviceCode ? 'device' : 'pkce';
  if (flow === 'pkce' && !browserUsable) {
    flow = 'device';
    notes.push(`${reason}: using the device code flow; open the URL below on any device with a browser`);
  } else if (flow === 'pkce' && options.noBrowser && reason) {
    flow = 'device';
    notes.push(
      `${reason} and --no-browser: using the device code flow; open the URL below on any device with a browser`,
    );
  } else if (!browserUsable && !options.noBrowser && !options.useDeviceCode) {
    // A legacy profile's device flow: the user may expect a browser. --use-device-code asked
    // for the URL to open elsewhere, so there is nothing to explain.
    notes.push(`${reason}: not opening a browser here; open the URL below on any device with a browser`);
  }
  return { flow, openBrowser: !options.noBrowser && Boolean(browserUsable), notes };
}
