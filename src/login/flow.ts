import type { SessionRef } from '../session/ref.ts';
import type { Runtime } from '../runtime.ts';
import type { LoginUi } from './ui.ts';

/** What both login flows need. `open` starts the browser without waiting for it. */
export interface FlowContext {
  rt: Runtime;
  s: SessionRef;
  ui: LoginUi;
  openBrowser: boolean;
  open(url: string): void;
}
