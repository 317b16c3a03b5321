// The shell hooks `ssohelper hook SHELL` prints, as data. Each wraps `ssohelper` in a shell
// function so that `ssohelper use` can change the shell it is typed in (a program cannot change
// its parent's environment), renews the keys `use` put there shortly before they expire, and
// keeps SSOHELPER_PROMPT up to date for prompts. The prompt-time work compares epoch seconds
// inside the shell: no process starts unless the keys are due for renewal (fish has no clock of
// its own, so there one `date` runs per prompt, and only while the shell holds keys of ours).
import { completionScript, type Shell } from '../cli/completion.ts';

/** Seconds before expiry at which the hook renews; `use` then fetches (its min-ttl is longer). */
export const RENEW_BEFORE_SECONDS = 600;
/** After a failed renewal the hook waits this long before trying again at a prompt. */
export const RETRY_SECONDS = 60;

/** The variable the hook sets for `use`: which shell's syntax to print. */
export const HOOK_VARIABLE = 'SSOHELPER_HOOK';

export function hookScript(shell: Shell): string {
  return `${HOOKS[shell]}\n${completionScript(shell)}`;
}

const POSIX_BODY = `ssohelper() {
  if [ "\${1-}" = use ]; then
    shift
    local __ssohelper_out
    __ssohelper_out=$(${HOOK_VARIABLE}=__SHELL__ command ssohelper use "$@") || return
    eval "$__ssohelper_out"
    __ssohelper_retry_at=0
    __ssohelper_precmd
  else
    command ssohelper "$@"
  fi
}

# Sets SSOHELPER_PROMPT to the segment for a prompt: "dev 52m", "dev expired"; empty when the
# shell holds no keys of ours. Arithmetic only: no subshell, no process.
__ssohelper_segment() {
  SSOHELPER_PROMPT=
  [ -n "\${SSOHELPER_PROFILE-}" ] && [ -n "\${AWS_ACCESS_KEY_ID-}" ] || return 0
  if [ -z "\${SSOHELPER_EXPIRES-}" ]; then SSOHELPER_PROMPT=$SSOHELPER_PROFILE; return 0; fi
  local left=$(( (SSOHELPER_EXPIRES - __NOW__) / 60 ))
  if [ "$left" -le 0 ]; then SSOHELPER_PROMPT="$SSOHELPER_PROFILE expired"
  elif [ "$left" -lt 60 ]; then SSOHELPER_PROMPT="$SSOHELPER_PROFILE \${left}m"
  else SSOHELPER_PROMPT="$SSOHELPER_PROFILE $((left / 60))h$((left % 60 / 10))$((left % 10))m"
  fi
}

# The same segment on stdout, for prompt engines that run a command.
ssohelper_prompt() { __ssohelper_segment; printf '%s' "$SSOHELPER_PROMPT"; }

# Runs before each prompt: renews keys that expire within ${RENEW_BEFORE_SECONDS / 60} minutes, then
# sets SSOHELPER_PROMPT (use it in PS1 as \${SSOHELPER_PROMPT:+[$SSOHELPER_PROMPT] }).
__ssohelper_precmd() {
  if [ -n "\${SSOHELPER_EXPIRES-}" ] && [ -n "\${SSOHELPER_PROFILE-}" ] && [ -n "\${AWS_ACCESS_KEY_ID-}" ] &&
    [ "__NOW__" -ge $((SSOHELPER_EXPIRES - ${RENEW_BEFORE_SECONDS})) ] && [ "__NOW__" -ge "\${__ssohelper_retry_at:-0}" ]; then
    local __ssohelper_out
    if __ssohelper_out=$(${HOOK_VARIABLE}=__SHELL__ command ssohelper use --quiet "$SSOHELPER_PROFILE"); then
      eval "$__ssohelper_out"
    else
      __ssohelper_retry_at=$((__NOW__ + ${RETRY_SECONDS}))
    fi
  fi
  __ssohelper_segment
}
`;

const HOOKS: Record<Shell, string> = {
  bash: `# ssohelper hook for bash. Enable: eval "$(ssohelper hook bash)" in ~/.bashrc
${POSIX_BODY.replaceAll('__SHELL__', 'bash').replaceAll('__NOW__', `\${EPOCHSECONDS:-$(date +%s)}`)}
case ";\${PROMPT_COMMAND-};" in
  *";__ssohelper_precmd;"*) ;;
  *) PROMPT_COMMAND="__ssohelper_precmd\${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
`,
  zsh: `# ssohelper hook for zsh. Enable: eval "$(ssohelper hook zsh)" in ~/.zshrc
zmodload zsh/datetime
${POSIX_BODY.replaceAll('__SHELL__', 'zsh').replaceAll('__NOW__', `\${EPOCHSECONDS}`)}
autoload -Uz add-zsh-hook
add-zsh-hook precmd __ssohelper_precmd
`,
  fish: `# ssohelper hook for fish. Enable: ssohelper hook fish | source  in ~/.config/fish/config.fish
function ssohelper
    if test (count $argv) -ge 1; and test "$argv[1]" = use
        set -l out (${HOOK_VARIABLE}=fish command ssohelper use $argv[2..-1])
        set -l st $status
        test $st -eq 0; or return $st
        printf '%s\\n' $out | source
        set -g __ssohelper_retry_at 0
        __ssohelper_precmd
    else
        command ssohelper $argv
    end
end

# Prints the segment for a prompt: "dev 52m", "dev expired"; nothing when no keys of ours.
function ssohelper_prompt
    set -q SSOHELPER_PROFILE; and set -q AWS_ACCESS_KEY_ID; or return 0
    if not set -q SSOHELPER_EXPIRES
        printf '%s' $SSOHELPER_PROFILE
        return 0
    end
    set -l left (math --scale=0 "($SSOHELPER_EXPIRES - $__ssohelper_now) / 60")
    if test $left -le 0
        printf '%s expired' $SSOHELPER_PROFILE
    else if test $left -lt 60
        printf '%s %dm' $SSOHELPER_PROFILE $left
    else
        printf '%s %dh%02dm' $SSOHELPER_PROFILE (math --scale=0 "$left / 60") (math "$left % 60")
    end
end

# Before each prompt: renews keys that expire within ${RENEW_BEFORE_SECONDS / 60} minutes, then sets
# SSOHELPER_PROMPT for fish_prompt to show.
function __ssohelper_precmd --on-event fish_prompt
    set -e SSOHELPER_PROMPT
    set -q SSOHELPER_EXPIRES; and set -q SSOHELPER_PROFILE; and set -q AWS_ACCESS_KEY_ID; or return 0
    set -g __ssohelper_now (date +%s)
    set -q __ssohelper_retry_at; or set -g __ssohelper_retry_at 0
    if test $__ssohelper_now -ge (math "$SSOHELPER_EXPIRES - ${RENEW_BEFORE_SECONDS}"); and test $__ssohelper_now -ge $__ssohelper_retry_at
        set -l out (${HOOK_VARIABLE}=fish command ssohelper use --quiet $SSOHELPER_PROFILE)
        if test $status -eq 0
            printf '%s\\n' $out | source
        else
            set -g __ssohelper_retry_at (math "$__ssohelper_now + ${RETRY_SECONDS}")
        end
    end
    set -g SSOHELPER_PROMPT (ssohelper_prompt)
end
`,
  powershell: `# ssohelper hook for PowerShell. Enable: add to $PROFILE
#   ssohelper hook powershell | Out-String | Invoke-Expression
function global:__ssohelper_exe { Get-Command ssohelper -CommandType Application -ErrorAction Stop | Select-Object -First 1 }

function global:ssohelper {
    if ($args.Count -ge 1 -and $args[0] -eq 'use') {
        $rest = @($args | Select-Object -Skip 1)
        $env:${HOOK_VARIABLE} = 'powershell'
        try { $out = & (__ssohelper_exe) use @rest } finally { Remove-Item Env:${HOOK_VARIABLE} -ErrorAction SilentlyContinue }
        if ($LASTEXITCODE -ne 0) { return }
        $out | Out-String | Invoke-Expression
        $global:__ssohelper_retry_at = 0
    } else {
        & (__ssohelper_exe) @args
    }
}

# The segment for a prompt: "dev 52m", "dev expired"; empty when no keys of ours.
function global:ssohelper_prompt {
    if (-not $env:SSOHELPER_PROFILE -or -not $env:AWS_ACCESS_KEY_ID) { return '' }
    if (-not $env:SSOHELPER_EXPIRES) { return $env:SSOHELPER_PROFILE }
    $left = [math]::Floor(([long]$env:SSOHELPER_EXPIRES - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()) / 60)
    if ($left -le 0) { return "$env:SSOHELPER_PROFILE expired" }
    if ($left -lt 60) { return "$env:SSOHELPER_PROFILE $($left)m" }
    return ('{0} {1}h{2:d2}m' -f $env:SSOHELPER_PROFILE, [math]::Floor($left / 60), [int]($left % 60))
}

# Before each prompt: renews keys that expire within ${RENEW_BEFORE_SECONDS / 60} minutes, then runs the prompt
# that was there before.
if (-not $global:__ssohelper_prompt_before) { $global:__ssohelper_prompt_before = $function:prompt }
function global:prompt {
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($env:SSOHELPER_EXPIRES -and $env:SSOHELPER_PROFILE -and $env:AWS_ACCESS_KEY_ID -and
        $now -ge ([long]$env:SSOHELPER_EXPIRES - ${RENEW_BEFORE_SECONDS}) -and $now -ge [long]$global:__ssohelper_retry_at) {
        $env:${HOOK_VARIABLE} = 'powershell'
        try { $out = & (__ssohelper_exe) use --quiet $env:SSOHELPER_PROFILE } finally { Remove-Item Env:${HOOK_VARIABLE} -ErrorAction SilentlyContinue }
        if ($LASTEXITCODE -eq 0) { $out | Out-String | Invoke-Expression } else { $global:__ssohelper_retry_at = $now + ${RETRY_SECONDS} }
    }
    & $global:__ssohelper_prompt_before
}
`,
};
