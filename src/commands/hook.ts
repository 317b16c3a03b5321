import { isShell, SHELLS } from '../cli/completion.ts';
import type { Command } from '../cli/command.ts';
import { UsageError } from '../errors.ts';
import { hookScript } from '../shell/hooks.ts';

export const hook: Command = {
  name: 'hook',
  summary: 'print the shell hook that makes `ssohelper use` switch your shell',
  usage: 'ssohelper hook bash|zsh|fish|powershell',
  description: [
    "Prints shell code to load once from your shell's start-up file. It wraps ssohelper in a",
    'shell function so that `ssohelper use PROFILE` changes the shell it is typed in, renews the',
    'keys `use` put there before they expire (no process runs at a prompt when nothing is due),',
    'sets SSOHELPER_PROMPT for your prompt, defines ssohelper_prompt, and enables completion.',
    '  bash        echo \'eval "$(ssohelper hook bash)"\' >> ~/.bashrc',
    '  zsh         echo \'eval "$(ssohelper hook zsh)"\' >> ~/.zshrc',
    "  fish        echo 'ssohelper hook fish | source' >> ~/.config/fish/config.fish",
    "  PowerShell  Add-Content $PROFILE 'ssohelper hook powershell | Out-String | Invoke-Expression'",
    'Then show the profile in your prompt, for example in bash:',
    `  PS1='\${SSOHELPER_PROMPT:+[$SSOHELPER_PROMPT] }'"$PS1"`,
  ].join('\n'),
  examples: ['eval "$(ssohelper hook bash)"', 'ssohelper hook fish | source'],
  flags: [],
  maxPositionals: 1,
  async run(_rt, args) {
    const shell = args.positionals[0];
    if (!shell || !isShell(shell)) {
      throw new UsageError(
        shell ? `hook: unknown shell "${shell}"` : 'hook: which shell?',
        `choose one of: ${SHELLS.join(', ')}`,
      );
    }
    return hookScript(shell);
  },
};
