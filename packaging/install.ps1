# Installs ssohelper on Windows: finds the Windows archive in the release's SHA256SUMS, downloads
# it, refuses it unless its SHA-256 matches, and installs ssohelper.exe.
#
#   irm https://github.com/ssohelper/ssohelper/releases/latest/download/install.ps1 | iex
#   pwsh -File install.ps1 [-Dir DIR] [-Version VERSION] [-NoPathUpdate]
#
# -Dir DIR         where ssohelper.exe goes (default $HOME\.local\bin; or $env:SSOHELPER_INSTALL_DIR)
# -Version V       a release other than the latest (e.g. 0.2.0; or $env:SSOHELPER_VERSION)
# -NoPathUpdate    leave the user's PATH alone (by default DIR is added to it when missing)
# $env:SSOHELPER_DOWNLOAD_URL  the folder holding SHA256SUMS and the archives, for a mirror or a
#                  release served from your own network (default: the GitHub release)
#
# Exit codes (when run as a file; piped into iex it reports the error and leaves your session
# open): 0 installed; 2 bad arguments; 3 this system has no build, or cannot run it; 4 a
# download failed; 5 the archive does not match SHA256SUMS, or is not a release archive
# (nothing is installed); 6 DIR cannot be written.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue' # Invoke-WebRequest is many times slower with its progress bar
# Windows PowerShell 5.1 may still offer only TLS 1.0 by default, which GitHub refuses.
if ($PSVersionTable.PSVersion.Major -lt 6) {
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
}

function Install-Ssohelper([string[]]$Arguments) {
    $repository = 'https://github.com/ssohelper/ssohelper'
    $dir = if ($env:SSOHELPER_INSTALL_DIR) { $env:SSOHELPER_INSTALL_DIR } else { Join-Path $HOME '.local\bin' }
    $version = if ($env:SSOHELPER_VERSION) { $env:SSOHELPER_VERSION } else { '' }
    $updatePath = $true
    for ($i = 0; $i -lt $Arguments.Count; $i++) {
        $a = $Arguments[$i]
        switch -regex ($a) {
            '^-{1,2}dir$' { if ($i + 1 -ge $Arguments.Count) { return @(2, '-Dir needs a folder') }; $dir = $Arguments[++$i] }
            '^-{1,2}version$' { if ($i + 1 -ge $Arguments.Count) { return @(2, '-Version needs a version, e.g. 0.2.0') }; $version = $Arguments[++$i] }
            '^-{1,2}nopathupdate$' { $updatePath = $false }
            '^(-h|-{1,2}help|/\?)$' { Write-Output "see the comment at the top of this script, or $repository"; return @(0, '') }
            default { return @(2, "unknown argument '$a' (known: -Dir DIR, -Version VERSION, -NoPathUpdate)") }
        }
    }
    if (-not $dir) { return @(2, '-Dir is empty') }
    $version = $version -replace '^v', ''
    if ($version -notmatch '^[0-9A-Za-z.+-]*$') { return @(2, "'$version' is not a version (like 0.2.0)") }

    if ([Environment]::OSVersion.Platform -ne [PlatformID]::Win32NT) {
        return @(3, 'this is not Windows: use install.sh (curl -fsSL .../install.sh | sh)')
    }
    # x64 Windows, and Windows on Arm, which runs x64 programs under emulation.
    $arch = $env:PROCESSOR_ARCHITECTURE
    if ($env:PROCESSOR_ARCHITEW6432) { $arch = $env:PROCESSOR_ARCHITEW6432 }
    if ($arch -notin @('AMD64', 'ARM64')) { return @(3, "no build for $arch Windows; with Node.js 20.16 or later, install the npm package from the release: npm install -g ssohelper-VERSION.tgz") }
    $platform = 'windows-x64'

    $base = if ($env:SSOHELPER_DOWNLOAD_URL) { $env:SSOHELPER_DOWNLOAD_URL.TrimEnd('/') }
            elseif ($version) { "$repository/releases/download/v$version" }
            else { "$repository/releases/latest/download" }

    $tmp = Join-Path ([IO.Path]::GetTempPath()) ("ssohelper-install-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    try {
        $sumsPath = Join-Path $tmp 'SHA256SUMS'
        try { Invoke-WebRequest -UseBasicParsing -Uri "$base/SHA256SUMS" -OutFile $sumsPath }
        catch { return @(4, "could not download $base/SHA256SUMS: $($_.Exception.Message)") }

        # The release's list of files is the index; every field is checked before it is used.
        $lines = @(Get-Content -LiteralPath $sumsPath | ForEach-Object {
            $f = $_ -split '\s+', 2
            if ($f.Count -eq 2) { [pscustomobject]@{ Hash = $f[0].ToLower(); Name = $f[1].TrimStart('*') } }
        } | Where-Object {
            if ($version) { $_.Name -eq "ssohelper-$version-$platform.zip" } else { $_.Name.EndsWith("-$platform.zip") -and $_.Name.Length -gt "-$platform.zip".Length }
        })
        $wanted = if ($version) { "ssohelper-$version-$platform.zip" } else { 'archive' }
        if ($lines.Count -eq 0) { return @(4, "$base/SHA256SUMS lists no $wanted for $platform") }
        if ($lines.Count -gt 1) { return @(5, "$base/SHA256SUMS lists more than one archive for $platform") }
        $expected = $lines[0].Hash
        $name = $lines[0].Name
        if ($expected -notmatch '^[0-9a-f]{64}$') { return @(5, "SHA256SUMS has a malformed line for $platform") }
        if ($name -notmatch "^ssohelper-[0-9A-Za-z.+-]+-$platform\.zip$") { return @(5, "SHA256SUMS names an unexpected file: $name") }
        $top = $name.Substring(0, $name.Length - 4)

        $archive = Join-Path $tmp $name
        try { Invoke-WebRequest -UseBasicParsing -Uri "$base/$name" -OutFile $archive }
        catch { return @(4, "could not download $base/$($name): $($_.Exception.Message)") }
        $actual = (Get-FileHash -LiteralPath $archive -Algorithm SHA256).Hash.ToLower()
        if ($actual -ne $expected) {
            return @(5, "$name does not match SHA256SUMS (expected $expected, got $actual): nothing was installed")
        }

        $unpacked = Join-Path $tmp 'unpacked'
        try { Expand-Archive -LiteralPath $archive -DestinationPath $unpacked }
        catch { return @(5, "$name is not a readable zip: $($_.Exception.Message)") }
        $exe = Join-Path $unpacked "$top\ssohelper.exe"
        $item = Get-Item -LiteralPath $exe -ErrorAction SilentlyContinue
        if (-not $item -or $item.PSIsContainer -or $item.LinkType) { return @(5, "$name holds no executable at $top\ssohelper.exe") }

        # Run once before it replaces anything.
        $got = & $exe --version 2>&1 | Out-String
        if ($LASTEXITCODE -ne 0) { return @(3, "the downloaded ssohelper does not run here: $got") }

        try { New-Item -ItemType Directory -Force -Path $dir | Out-Null }
        catch { return @(6, "cannot create $($dir): $($_.Exception.Message)") }
        $target = Join-Path $dir 'ssohelper.exe'
        if (Test-Path -LiteralPath $target -PathType Container) { return @(6, "$target is a folder") }
        # Copied beside the target, then moved over it. Windows cannot replace a running .exe:
        # then say so instead of leaving half an install.
        $staged = Join-Path $dir ".ssohelper.$PID.new"
        try {
            Copy-Item -LiteralPath $exe -Destination $staged -Force
            Move-Item -LiteralPath $staged -Destination $target -Force
        } catch {
            Remove-Item -LiteralPath $staged -Force -ErrorAction SilentlyContinue
            return @(6, "cannot write $($target) (is ssohelper running?): $($_.Exception.Message)")
        }

        Write-Output "installed $($got.Trim()) to $target"
        $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
        $onPath = ($env:Path -split ';') -contains $dir
        if (-not $onPath -and $updatePath) {
            $new = if ($userPath) { "$userPath;$dir" } else { $dir }
            [Environment]::SetEnvironmentVariable('Path', $new, 'User')
            $env:Path = "$env:Path;$dir"
            Write-Output "added $dir to your user PATH (new terminals see it; this one does already)"
        } elseif (-not $onPath) {
            Write-Output "$dir is not on your PATH: add it, or run $target by its full name"
        }
        Write-Output "To switch PowerShell with 'ssohelper use PROFILE', and complete with TAB, add the hook to your profile once:"
        Write-Output "  Add-Content `$PROFILE 'ssohelper hook powershell | Out-String | Invoke-Expression'"
        Write-Output 'Then: ssohelper init (or ssohelper doctor if you already use aws sso login).'
        return @(0, '')
    } finally {
        Remove-Item -LiteralPath $tmp -Recurse -Force -ErrorAction SilentlyContinue
    }
}

$result = Install-Ssohelper $args
$code = $result[-2]
$message = $result[-1]
$result | Select-Object -SkipLast 2
if ($code -ne 0) { [Console]::Error.WriteLine("ssohelper install: $message") }
# Piped into Invoke-Expression there is no script file, and `exit` would close the user's
# PowerShell: only a script run as a file ends with the code.
if ($PSCommandPath) { exit $code }
