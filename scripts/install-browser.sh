#!/usr/bin/env bash
# Installs what the real-browser tests (core/testing/browser.py) need: Debian's chromium, which
# Playwright drives instead of downloading its own browser, and CJK fonts so Chinese text renders
# as glyphs rather than boxes. Does nothing but check when both are present; safe to run again.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-noto-cjk)

have_chromium() { [[ -x "$CHROMIUM" ]]; }

have_cjk_fonts() {
    if command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=zh family 2>/dev/null)" ]]; then
        return 0
    fi
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed'
}

if ! have_chromium || ! have_cjk_fonts; then
    if [[ $EUID -eq 0 ]]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install-browser.sh: ${PACKAGES[*]} are needed; run this script as root (or install sudo)." >&2
        exit 1
    fi
    echo "install-browser.sh: installing ${PACKAGES[*]} with apt-get..."
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
fi

# Debian's launcher script may print shell noise on stderr (its /dev/shm check); judge by stdout.
if ! version="$("$CHROMIUM" --version 2>/dev/null)" || [[ "$version" != Chromium* ]]; then
    echo "install-browser.sh: $CHROMIUM --version failed (got: '${version:-nothing}')." >&2
    echo "Install Debian's chromium package: apt-get install chromium fonts-noto-cjk" >&2
    exit 1
fi
if ! have_cjk_fonts; then
    echo "install-browser.sh: no Chinese font found after installing fonts-noto-cjk (fc-list :lang=zh is empty)." >&2
    exit 1
fi
echo "install-browser.sh: $version; CJK fonts present."
