// The release version, set by the build; "dev" when the sources run as they are.
declare const __SSOHELPER_VERSION__: string | undefined;

export function version(): string {
  return typeof __SSOHELPER_VERSION__ !== 'undefined' ? __SSOHELPER_VERSION__ : 'dev';
}
