import type { Command } from '../cli/command.ts';
import { promptSegment } from '../shell/held.ts';

// Runs in the hot entry (src/boot/hot.ts): it reads the environment and nothing else, so a
// prompt engine that calls it at every prompt pays a bare start.
export const prompt: Command = {
  name: 'prompt',
  summary: 'print a short prompt segment: the profile this shell holds and its time left',
  usage: 'ssohelper prompt',
  description: [
    'Prints "dev 52m" when this shell holds keys for profile dev that last 52 more minutes,',
    '"dev expired" once they have expired, and nothing when it holds no keys from ssohelper.',
    'Reads only the environment (SSOHELPER_PROFILE, SSOHELPER_EXPIRES or',
    'AWS_CREDENTIAL_EXPIRATION): no file, no network. For prompt engines such as starship;',
    'with the shell hook, $SSOHELPER_PROMPT holds the same text without running anything.',
  ].join('\n'),
  examples: ['ssohelper prompt', "PS1='$(ssohelper prompt) '\"$PS1\"   (the hook's $SSOHELPER_PROMPT runs nothing)"],
  flags: [],
  maxPositionals: 0,
  async run(rt) {
    const segment = promptSegment(rt.env, new Date(rt.now()));
    return segment ? `${segment}\n` : '';
  },
};
