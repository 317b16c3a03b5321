# ssohelper hook for PowerShell. Enable: add to $PROFILE
#   ssohelper hook powershell | Out-String | Invoke-Expression
function global:__ssohelper_exe { Get-Command ssohelper -CommandType Application -ErrorAction Stop | Select-Object -First 1 }

function global:ssohelper {
    if ($args.Count -ge 1 -and $args[0] -eq 'use') {
        $rest = @($args | Select-Object -Skip 1)
        $env:SSOHELPER_HOOK = 'powershell'
        try { $out = & (__ssohelper_exe) use @rest } finally { Remove-Item Env:SSOHELPER_HOOK -ErrorAction SilentlyContinue }
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

# Before each prompt: renews keys that expire within 10 minutes, then runs the prompt
# that was there before.
if (-not $global:__ssohelper_prompt_before) { $global:__ssohelper_prompt_before = $function:prompt }
function global:prompt {
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($env:SSOHELPER_EXPIRES -and $env:SSOHELPER_PROFILE -and $env:AWS_ACCESS_KEY_ID -and
        $now -ge ([long]$env:SSOHELPER_EXPIRES - 600) -and $now -ge [long]$global:__ssohelper_retry_at) {
        $env:SSOHELPER_HOOK = 'powershell'
        try { $out = & (__ssohelper_exe) use --quiet $env:SSOHELPER_PROFILE } finally { Remove-Item Env:SSOHELPER_HOOK -ErrorAction SilentlyContinue }
        if ($LASTEXITCODE -eq 0) { $out | Out-String | Invoke-Expression } else { $global:__ssohelper_retry_at = $now + 60 }
    }
    & $global:__ssohelper_prompt_before
}

# ssohelper completion for PowerShell. Enable: add to $PROFILE
#   ssohelper completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName ssohelper, ssohelper.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # The words before the one being completed (that one ends at the cursor, or is empty).
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 |
        Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })
    ssohelper completion --complete powershell ":$wordToComplete" @words 2>$null | ForEach-Object {
        $value, $description = $_ -split "`t", 2
        if (-not $description) { $description = $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $description)
    }
}
