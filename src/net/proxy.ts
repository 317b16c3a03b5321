// Which proxy, if any, a request goes through: HTTPS_PROXY / HTTP_PROXY / NO_PROXY read the way
// curl and the AWS CLI read them (lower case first, as Python does), with CIDR ranges and bare
// domain suffixes (`example.com` covering `sso.example.com`) in NO_PROXY. Pure: http.ts connects.
import { isIP } from 'node:net';
import type { Env } from '../config/files.ts';
import { ConfigError } from '../errors.ts';

export interface ProxyServer {
  /** Scheme, credentials (still percent-encoded), host and port; http.ts takes Basic credentials from it. */
  url: string;
  /** For messages and --debug: the URL with all of its userinfo masked (a user name may be an API key). */
  display: string;
  /** The variable it came from, e.g. HTTPS_PROXY. */
  source: string;
  host: string;
  port: number;
  hasCredentials: boolean;
}

/** The variable that names the proxy for a scheme: lower case wins, as in Python's urllib. */
function proxyVariable(env: Env, scheme: 'https' | 'http'): [string, string] | undefined {
  for (const name of [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`]) {
    const value = env[name]?.trim();
    if (value) return [name, value];
  }
  return undefined;
}

export function parseProxy(raw: string, source: string): ProxyServer {
  // "proxy:3128" means http://proxy:3128, as botocore and curl read it.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(
      `${source} is not a valid proxy URL`,
      `set it like http://proxy.example.com:3128 (or http://user:password@proxy.example.com:3128)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `${source} uses the ${url.protocol.slice(0, -1)} scheme; only http:// and https:// proxies are supported`,
      `set ${source} to the proxy's http:// URL`,
    );
  }
  if (!url.hostname)
    throw new ConfigError(`${source} has no proxy host name`, 'set it like http://proxy.example.com:3128');
  for (const part of [url.username, url.password]) {
    try {
      decodeURIComponent(part);
    } catch {
      throw new ConfigError(
        `${source} has a malformed percent-encoding in its user name or password`,
        'encode special characters of the password as %XX, e.g. @ as %40',
      );
    }
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const hostPort = `${url.hostname}${url.port ? `:${url.port}` : ''}`;
  const hasUserinfo = url.username !== '' || url.password !== '';
  return {
    url: `${url.protocol}//${hasUserinfo ? `${url.username}:${url.password}@` : ''}${hostPort}`,
    display: `${url.protocol}//${hasUserinfo ? '****@' : ''}${hostPort}`,
    source,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    hasCredentials: hasUserinfo,
  };
}

/**
 * Every form in which a proxy URL's userinfo could reach a text: whole, and user name and
 * password each as written and percent-decoded. All of it is secret: some proxies take an API
 * key as the user name. Longest first, so that a part never leaves the rest of a whole behind.
 */
export function proxySecrets(proxyUrl: string): string[] {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(proxyUrl)?.[1];
  if (!userinfo) return [];
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  const forms = [userinfo, ...parts, ...parts.map(decoded)].filter((s) => s.length > 0);
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The proxy variables in effect must be usable URLs: checked before any request is made. */
export function checkProxyVariables(env: Env): void {
  for (const scheme of ['https', 'http'] as const) {
    const variable = proxyVariable(env, scheme);
    if (variable) parseProxy(variable[1], variable[0]);
  }
}

/** The proxy for a request to `target`, or undefined to connect directly. */
export function proxyFor(
  target: { protocol: string; hostname: string; port?: number | string | undefined },
  env: Env,
): ProxyServer | undefined {
  const scheme = target.protocol.replace(/:$/, '') === 'http' ? 'http' : 'https';
  const variable = proxyVariable(env, scheme);
  if (!variable) return undefined;
  const port = Number(target.port || (scheme === 'https' ? 443 : 80));
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
  if (bypassesProxy(target.hostname, port, noProxy)) return undefined;
  return parseProxy(variable[1], variable[0]);
}

/**
 * NO_PROXY: entries separated by commas (or spaces); `*` alone matches everything; a domain
 * with or without a leading `.` or `*.` matches itself and every name under it; an IP address
 * or CIDR range (v4 or v6) matches addresses; any entry may end in `:port` to match one port.
 */
export function bypassesProxy(hostname: string, port: number, noProxy: string): boolean {
  const host = normaliseHost(hostname);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name.includes('/')) {
      if (inCidr(host, name)) return true;
      continue;
    }
    const bare = normaliseHost(name.replace(/^\*?\./, ''));
    if (!bare) continue;
    if (host === bare) return true;
    if (isIP(bare) === 0 && isIP(host) === 0 && host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function normaliseHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function splitPort(entry: string): { name: string; entryPort: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1] as string, entryPort: bracketed[2] ? Number(bracketed[2]) : undefined };
  // A bare IPv6 address (or range) has several colons and no port.
  if ((entry.match(/:/g) ?? []).length > 1) return { name: entry, entryPort: undefined };
  const m = /^(.*):(\d+)$/.exec(entry);
  return m ? { name: m[1] as string, entryPort: Number(m[2]) } : { name: entry, entryPort: undefined };
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/') as [string, string];
  const family = isIP(base);
  if (family === 0 || isIP(host) !== family || !/^\d+$/.test(bitsText)) return false;
  const width = family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (bits > width) return false;
  const a = ipBits(host, family);
  const b = ipBits(base, family);
  if (a === undefined || b === undefined) return false;
  const shift = BigInt(width - bits);
  return a >> shift === b >> shift;
}

function ipBits(ip: string, family: number): bigint | undefined {
  if (family === 4) return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  // IPv6, possibly with :: and a dotted IPv4 tail.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipBits(v4[1] as string, 4) as bigint;
    text = `${text.slice(0, -(v4[1] as string).length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}
