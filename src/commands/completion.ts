import { booleanFlag } from '../cli/args.ts';
import { complete, completionScript, isShell, renderCandidates, SHELLS } from '../cli/completion.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../cli/command.ts';
import { lazy } from '../util/load.ts';

/**
 * The command table is handed in by the table itself (src/commands/index.ts), which lists this
 * command too: importing it from here would tie the two modules in a cycle.
 */
export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'print a shell completion script: bash, zsh, fish or powershell',
    usage: 'ssohelper completion bash|zsh|fish|powershell',
    description: [
      "Prints a script that makes the shell complete ssohelper's commands, options, --format and",
      '--output values, and the profile and sso-session names in your config (read each time you',
      'press TAB). Enable it once:',
      '  bash        echo \'eval "$(ssohelper completion bash)"\' >> ~/.bashrc',
      '  zsh         ssohelper completion zsh > "$fpath[1]/_ssohelper"   (then a new shell)',
      '  fish        ssohelper completion fish > ~/.config/fish/completions/ssohelper.fish',
      "  PowerShell  Add-Content $PROFILE 'ssohelper completion powershell | Out-String | Invoke-Expression'",
    ].join('\n'),
    examples: ['ssohelper completion bash > /etc/bash_completion.d/ssohelper', 'source <(ssohelper completion zsh)'],
    flags: [
      {
        name: 'complete',
        type: 'boolean',
        description: 'used by the scripts: print the candidates for SHELL :CURRENT WORDS...',
      },
    ],
    maxPositionals: Number.POSITIVE_INFINITY,
    // With --complete, the words being completed follow verbatim, options and all.
    optionsEndAt: (flags) => (flags.complete ? 1 : Number.POSITIVE_INFINITY),
    async run(rt, args) {
      const [shell, current, ...words] = args.positionals;
      if (!shell || !isShell(shell)) {
        throw new UsageError(
          shell ? `completion: unknown shell "${shell}"` : 'completion: which shell?',
          `choose one of: ${SHELLS.join(', ')}`,
        );
      }
      if (!booleanFlag(args, 'complete')) {
        if (args.positionals.length > 1)
          throw new UsageError(`completion: unexpected argument "${args.positionals[1]}"`);
        return completionScript(shell);
      }
      // Completion must never print an error into the user's command line: a config that cannot
      // be read simply offers no names.
      const names = async (pick: 'profiles' | 'ssoSessions') => {
        try {
          const { loadConfig } = await lazy(() => import('../config/load.ts'));
          return [...(await loadConfig(rt.paths))[pick].keys()].sort();
        } catch {
          return [];
        }
      };
      const candidates = await complete(commands(), words, (current ?? ':').replace(/^:/, ''), {
        profiles: () => names('profiles'),
        ssoSessions: () => names('ssoSessions'),
      });
      return renderCandidates(shell, candidates);
    },
  };
}
