#!/bin/sh
# Installs ssohelper on Linux or macOS: finds this system's archive in the release's SHA256SUMS,
# downloads it, refuses it unless its SHA-256 matches, and installs the executable.
#
#   curl -fsSL https://github.com/ssohelper/ssohelper/releases/latest/download/install.sh | sh
#   sh install.sh [--dir DIR] [--version VERSION] [--platform OS-ARCH]
#
# --dir DIR           where the executable goes (default ~/.local/bin)
# --version VERSION   a release other than the latest (e.g. 0.2.0)
# --platform OS-ARCH  another system's build, e.g. linux-arm64 for a container image; the
#                     executable is then installed without being run
# SSOHELPER_DOWNLOAD_URL  the folder holding SHA256SUMS and the archives, for a mirror or a
#                     release served from your own network (default: the GitHub release)
#
# Exit codes: 0 installed; 2 bad arguments; 3 this system has no build, or cannot unpack or
# run it; 4 a download failed; 5 the archive does not match SHA256SUMS, or is not a release
# archive (nothing is installed); 6 DIR cannot be written.
set -eu

REPOSITORY=https://github.com/ssohelper/ssohelper

say() { printf '%s\n' "$*"; }
fail() {
	code=$1
	shift
	printf 'ssohelper install: %s\n' "$*" >&2
	exit "$code"
}

dir="${HOME:?HOME is not set}/.local/bin"
version=
platform=
while [ $# -gt 0 ]; do
	case $1 in
	--dir) [ $# -ge 2 ] || fail 2 "--dir needs a folder"; dir=$2; shift 2 ;;
	--dir=*) dir=${1#--dir=}; shift ;;
	--version) [ $# -ge 2 ] || fail 2 "--version needs a version, e.g. 0.2.0"; version=$2; shift 2 ;;
	--version=*) version=${1#--version=}; shift ;;
	--platform) [ $# -ge 2 ] || fail 2 "--platform needs OS-ARCH, e.g. linux-arm64"; platform=$2; shift 2 ;;
	--platform=*) platform=${1#--platform=}; shift ;;
	-h | --help) sed -n '2,19s/^# \{0,1\}//p' "$0" 2>/dev/null || say "see $REPOSITORY"; exit 0 ;;
	*) fail 2 "unknown argument '$1' (known: --dir DIR, --version VERSION, --platform OS-ARCH)" ;;
	esac
done
[ -n "$dir" ] || fail 2 "--dir is empty"
version=${version#v}
case $version in
*[!0-9A-Za-z.+-]*) fail 2 "'$version' is not a version (like 0.2.0)" ;;
esac

# --- which build ---------------------------------------------------------------------------
if [ -n "$platform" ]; then
	case $platform in
	linux-x64 | linux-arm64 | darwin-x64 | darwin-arm64) ;;
	windows-x64) fail 2 "for Windows use install.ps1 in PowerShell" ;;
	*) fail 2 "unknown platform '$platform' (known: linux-x64, linux-arm64, darwin-x64, darwin-arm64)" ;;
	esac
else
	case $(uname -s) in
	Linux) os=linux ;;
	Darwin) os=darwin ;;
	MINGW* | MSYS* | CYGWIN*) fail 3 "this is Windows: run install.ps1 in PowerShell, or: scoop install ssohelper" ;;
	*) fail 3 "no build for $(uname -s); with Node.js 20.16 or later, install the npm package from the release: npm install -g ssohelper-VERSION.tgz" ;;
	esac
	case $(uname -m) in
	x86_64 | amd64) arch=x64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) fail 3 "no build for $(uname -m) processors; with Node.js 20.16 or later, install the npm package from the release: npm install -g ssohelper-VERSION.tgz" ;;
	esac
	# A shell under Rosetta reports x86_64 on Apple Silicon: the native build is the fast one.
	if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
		arch=arm64
	fi
	if [ "$os" = linux ]; then
		# The executables are built against glibc 2.28 or later; musl (Alpine) cannot load them.
		if (ldd --version 2>&1 || true) | grep -qi musl; then
			fail 3 "this Linux uses musl (Alpine?), and the builds need glibc: install Node.js, then the npm package from the release: npm install -g ssohelper-VERSION.tgz"
		fi
		libc=$(getconf GNU_LIBC_VERSION 2>/dev/null || true)
		case $libc in
		"glibc 2."*)
			minor=${libc#glibc 2.}
			minor=${minor%%.*}
			case $minor in
			'' | *[!0-9]*) ;;
			*) [ "$minor" -ge 28 ] || fail 3 "this system has $libc; the builds need glibc 2.28 or later" ;;
			esac
			;;
		esac
	fi
	platform=$os-$arch
fi

# --- where from ------------------------------------------------------------------------------
if [ -n "${SSOHELPER_DOWNLOAD_URL:-}" ]; then
	base=${SSOHELPER_DOWNLOAD_URL%/}
elif [ -n "$version" ]; then
	base=$REPOSITORY/releases/download/v$version
else
	base=$REPOSITORY/releases/latest/download
fi

if command -v curl >/dev/null 2>&1; then
	fetch() {
		if [ -t 2 ] && [ "${2-}" = progress ]; then
			curl -fL --retry 2 --proto '=https,http' --progress-bar -o "$1.part" "$url"
		else
			curl -fsSL --retry 2 --proto '=https,http' -o "$1.part" "$url"
		fi
	}
elif command -v wget >/dev/null 2>&1; then
	fetch() { wget -q -O "$1.part" "$url"; }
else
	fail 4 "needs curl or wget to download"
fi
download() {
	url=$base/$2
	fetch "$1" "${3-}" || fail 4 "could not download $url"
	mv -f "$1.part" "$1"
}

if command -v sha256sum >/dev/null 2>&1; then
	sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
	sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
elif command -v openssl >/dev/null 2>&1; then
	sha256() { openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1; }
else
	fail 3 "needs sha256sum, shasum or openssl to verify the download"
fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t ssohelper)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- download and verify ---------------------------------------------------------------------
download "$tmp/SHA256SUMS" SHA256SUMS
# The release's list of files is the index: it names the archive (and so the version) for this
# platform. Every field is checked before it is used: the list comes from a server.
if [ -n "$version" ]; then
	want="ssohelper-$version-$platform.tar.xz"
	line=$(awk -v n="$want" '$2 == n || $2 == "*" n' "$tmp/SHA256SUMS")
else
	line=$(awk -v p="-$platform.tar.xz" 'length($2) > length(p) && substr($2, length($2) - length(p) + 1) == p' "$tmp/SHA256SUMS")
fi
[ -n "$line" ] || fail 4 "$base/SHA256SUMS lists no ${want:-archive} for $platform"
[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || fail 5 "$base/SHA256SUMS lists more than one archive for $platform"
expected=$(printf '%s\n' "$line" | awk '{print tolower($1)}')
name=$(printf '%s\n' "$line" | awk '{sub(/^\*/, "", $2); print $2}')
case $expected in
*[!0-9a-f]*) fail 5 "SHA256SUMS has a malformed line for $platform" ;;
esac
[ ${#expected} -eq 64 ] || fail 5 "SHA256SUMS has a malformed line for $platform"
case $name in
ssohelper-*-"$platform".tar.xz) ;;
*) fail 5 "SHA256SUMS names an unexpected file: $name" ;;
esac
case $name in
*[!0-9A-Za-z.+-]*) fail 5 "SHA256SUMS names an unexpected file: $name" ;;
esac
top=${name%.tar.xz}

download "$tmp/$name" "$name" progress
actual=$(sha256 "$tmp/$name")
if [ "$actual" != "$expected" ]; then
	fail 5 "$name does not match SHA256SUMS (expected $expected, got $actual): nothing was installed"
fi

# --- unpack ----------------------------------------------------------------------------------
mkdir "$tmp/unpacked"
if command -v xz >/dev/null 2>&1; then
	xz -dc "$tmp/$name" | (cd "$tmp/unpacked" && tar -xf -) || fail 5 "$name is not a readable tar.xz"
elif tar --version 2>/dev/null | grep -qi bsdtar; then
	tar -xJf "$tmp/$name" -C "$tmp/unpacked" || fail 5 "$name is not a readable tar.xz"
else
	fail 3 "needs xz to unpack $name (Debian, Ubuntu: apt-get install xz-utils; Fedora: dnf install xz)"
fi
exe=$tmp/unpacked/$top/ssohelper
if [ -L "$exe" ] || [ ! -f "$exe" ]; then
	fail 5 "$name holds no executable at $top/ssohelper"
fi

# An executable for this machine is run once before it replaces anything.
if [ "$platform" = "${os-}-${arch-}" ]; then
	got=$("$exe" --version 2>&1) || fail 3 "the downloaded ssohelper does not run here: $got"
else
	got="ssohelper ${name#ssohelper-}"
	got=${got%-"$platform".tar.xz}
fi

# --- install ---------------------------------------------------------------------------------
mkdir -p "$dir" 2>/dev/null || fail 6 "cannot create $dir"
[ -d "$dir" ] || fail 6 "$dir is not a folder"
target=$dir/ssohelper
[ ! -d "$target" ] || fail 6 "$target is a folder"
# Copied beside the target, then renamed over it: a running ssohelper keeps its old file, and
# nobody ever sees half an executable.
staged=$dir/.ssohelper.$$.new
cp "$exe" "$staged" 2>/dev/null || { rm -f "$staged"; fail 6 "cannot write to $dir"; }
chmod 755 "$staged"
mv -f "$staged" "$target" || { rm -f "$staged"; fail 6 "cannot replace $target"; }

say "installed $got to $target"
case ":${PATH:-}:" in
*":$dir:"*) ;;
*) say "$dir is not on your PATH: add  export PATH=\"$dir:\$PATH\"  to your shell's start file" ;;
esac
say "To switch your shell with 'ssohelper use PROFILE', and complete with TAB, hook it into your shell once:"
case ${SHELL##*/} in
bash) say "  echo 'eval \"\$(ssohelper hook bash)\"' >> ~/.bashrc" ;;
zsh) say "  echo 'eval \"\$(ssohelper hook zsh)\"' >> ~/.zshrc" ;;
fish) say "  echo 'ssohelper hook fish | source' >> ~/.config/fish/config.fish" ;;
*)
	say "  bash: echo 'eval \"\$(ssohelper hook bash)\"' >> ~/.bashrc"
	say "  zsh:  echo 'eval \"\$(ssohelper hook zsh)\"' >> ~/.zshrc"
	say "  fish: echo 'ssohelper hook fish | source' >> ~/.config/fish/config.fish"
	;;
esac
say "Then: ssohelper init (or ssohelper doctor if you already use aws sso login)."
