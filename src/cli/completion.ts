// Shell completion. Each shell's script is a thin wrapper that asks the program itself what
// fits (`ssohelper completion --complete SHELL CURRENT WORDS...`); the answers come from the
// command table that --help and the parser use, so completion cannot drift from either, and
// profile and sso-session names are read from the config each time TAB is pressed.
import type { Command } from '../cli/command.ts';
import { type FlagSpec, GLOBAL_FLAGS } from './args.ts';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

export function isShell(value: string): value is Shell {
  return (SHELLS as readonly string[]).includes(value);
}

export interface Candidate {
  value: string;
  description: string;
}

/** What completion needs to know about the user's config, read lazily: most words need none. */
export interface CompletionSources {
  profiles(): Promise<string[]>;
  ssoSessions(): Promise<string[]>;
}

/** Commands whose first positional is a profile name, from their usage line. */
function takesProfile(command: Command): boolean {
  return command.maxPositionals >= 1 && command.usage.includes(' [PROFILE]');
}

function valuesFor(flag: FlagSpec, command: Command, sources: CompletionSources): Promise<Candidate[]> | Candidate[] {
  if (flag.values) return flag.values.map((v) => ({ value: v, description: '' }));
  const names = (list: Promise<string[]>, what: string) =>
    list.then((ns) => ns.map((n) => ({ value: n, description: what })));
  if (flag.name === 'profile') return names(sources.profiles(), 'profile');
  // `init --sso-session` names a new session: nothing to offer.
  if (flag.name === 'sso-session' && command.name !== 'init') return names(sources.ssoSessions(), 'sso-session');
  return [];
}

/**
 * Candidates for `current`, the word under the cursor, after `words` (the words between the
 * program name and the cursor). Only candidates starting with `current` are returned.
 */
export async function complete(
  commands: readonly Command[],
  typed: readonly string[],
  typedCurrent: string,
  sources: CompletionSources,
): Promise<Candidate[]> {
  // bash splits `--format=p` at the "=" (COMP_WORDBREAKS) into `--format`, `=`, `p`: read that
  // as the flag followed by its value. With the cursor right after the "=", the "=" is the word
  // bash replaces, so the candidates keep it in front.
  let words = typed;
  const current = typedCurrent;
  if (current === '=' && words.at(-1)?.startsWith('--')) {
    const command = commands.find((c) => c.name === words[0]);
    const flag = command && [...command.flags, ...GLOBAL_FLAGS].find((f) => f.name === words.at(-1)?.slice(2));
    if (!command || flag?.type !== 'string') return [];
    return (await valuesFor(flag, command, sources)).map((c) => ({ ...c, value: `=${c.value}` }));
  }
  if (words.at(-1) === '=' && words.at(-2)?.startsWith('--')) words = words.slice(0, -1);
  const matching = (cs: Candidate[]) => cs.filter((c) => c.value.startsWith(current));
  const command = commands.find((c) => c.name === words[0]);
  if (words.length === 0 || !command) {
    if (words.length > 0) return []; // an unknown command: nothing sensible follows
    return matching([
      ...commands.map((c) => ({ value: c.name, description: c.summary })),
      { value: '--help', description: 'show help' },
      { value: '--version', description: 'print the version' },
    ]);
  }
  const flags = [...command.flags, ...GLOBAL_FLAGS];
  // Everything after `--` (exec's COMMAND) belongs to another program.
  if (words.includes('--')) return [];

  // --name=value: complete the value, keeping the prefix so the shell replaces the whole word.
  const eq = current.indexOf('=');
  if (current.startsWith('--') && eq > 0) {
    const flag = flags.find((f) => f.name === current.slice(2, eq) && f.type === 'string');
    if (!flag) return [];
    const prefix = current.slice(0, eq + 1);
    const values = await valuesFor(flag, command, sources);
    return values.map((c) => ({ ...c, value: prefix + c.value })).filter((c) => c.value.startsWith(current));
  }
  const previous = words[words.length - 1] ?? '';
  const pending =
    previous.startsWith('--') && !previous.includes('=') ? flags.find((f) => f.name === previous.slice(2)) : undefined;
  if (pending?.type === 'string') return matching(await valuesFor(pending, command, sources));

  if (current.startsWith('-')) {
    const used = new Set(words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')[0]));
    return matching(
      flags
        .filter((f) => !used.has(f.name) || f.name === 'help')
        .map((f) => ({ value: `--${f.name}`, description: f.description })),
    );
  }
  // Positionals so far: words after the command that are neither flags nor flag values.
  let positionals = 0;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (w.startsWith('-')) {
      const f = flags.find((x) => x.name === w.slice(2));
      if (f?.type === 'string' && !w.includes('=')) i++;
    } else {
      positionals++;
    }
  }
  if (positionals === 0 && takesProfile(command))
    return matching(await valuesFor({ name: 'profile', type: 'string', description: '' }, command, sources));
  return [];
}

/** One candidate per line, in the form each shell's script reads. */
export function renderCandidates(shell: Shell, candidates: readonly Candidate[]): string {
  const clean = (s: string) => s.replace(/[\t\n\r]/g, ' ');
  return candidates
    .map((c) => {
      if (shell === 'bash') return clean(c.value);
      if (shell === 'zsh')
        return `${clean(c.value).replace(/\\/g, '\\\\').replace(/:/g, '\\:')}:${clean(c.description)}`;
      return c.description ? `${clean(c.value)}\t${clean(c.description)}` : clean(c.value);
    })
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * The script for `shell`. The word under the cursor is passed with a leading ":" so that an
 * empty word survives every shell's argument passing (Windows PowerShell drops empty strings).
 */
export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return `# ssohelper completion for bash. Enable: eval "$(ssohelper completion bash)" in ~/.bashrc
_ssohelper() {
  local IFS=$'\\n' cur=\${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=($(ssohelper completion --complete bash ":$cur" "\${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null))
}
complete -o default -F _ssohelper ssohelper
`;
    case 'zsh':
      return `#compdef ssohelper
# ssohelper completion for zsh. Enable: ssohelper completion zsh > "\${fpath[1]}/_ssohelper"
# (then start a new shell), or: source <(ssohelper completion zsh) after compinit in ~/.zshrc
_ssohelper() {
  local -a candidates
  candidates=("\${(@f)$(ssohelper completion --complete zsh ":\${words[CURRENT]}" "\${(@)words[2,CURRENT-1]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  (( \${#candidates} )) || { _files; return }
  _describe -t values ssohelper candidates
}
if [[ "\${funcstack[1]}" == _ssohelper ]]; then
  _ssohelper "$@"
else
  (( $+functions[compdef] )) && compdef _ssohelper ssohelper
fi
`;
    case 'fish':
      return `# ssohelper completion for fish. Enable: ssohelper completion fish > ~/.config/fish/completions/ssohelper.fish
function __ssohelper_complete
    set -l words (commandline -opc)
    ssohelper completion --complete fish ":"(commandline -ct) $words[2..-1] 2>/dev/null
end
complete -c ssohelper -f -a '(__ssohelper_complete)'
`;
    case 'powershell':
      return `# ssohelper completion for PowerShell. Enable: add to $PROFILE
#   ssohelper completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName ssohelper, ssohelper.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # The words before the one being completed (that one ends at the cursor, or is empty).
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 |
        Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })
    ssohelper completion --complete powershell ":$wordToComplete" @words 2>$null | ForEach-Object {
        $value, $description = $_ -split "\`t", 2
        if (-not $description) { $description = $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $description)
    }
}
`;
  }
}
