# ssohelper for PowerShell: add to your profile (notepad $PROFILE), or dot-source this file
# from it. Works in Windows PowerShell 5.1 and PowerShell 7 on Windows, macOS and Linux.

if (Get-Command ssohelper -ErrorAction SilentlyContinue) {
    # Tab completion: commands, options, --format values, profile and sso-session names.
    ssohelper completion powershell | Out-String | Invoke-Expression
}

# Puts a profile's credentials into this session's environment (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION):
#   Use-AwsProfile dev
# On failure ssohelper has said why on stderr; the environment is left as it was.
function Use-AwsProfile {
    param([Parameter(Mandatory = $true)][string]$Name)
    $assignments = ssohelper env $Name --format powershell
    if ($LASTEXITCODE -ne 0) { return }
    $assignments | Out-String | Invoke-Expression
}

# Removes what Use-AwsProfile set.
function Clear-AwsProfile {
    foreach ($var in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
                     'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION', 'AWS_DEFAULT_REGION') {
        Remove-Item -Path "Env:$var" -ErrorAction SilentlyContinue
    }
}
