# Sourced by scripts/run.sh and scripts/test.sh: the Debian packages Tutela needs beside Python.
# When some are missing, installs them if this shell runs as root or may use sudo without a
# password (as .ci/run does); otherwise prints the one command to run and returns 1.
# Usage: ensure_system_packages run|test
ensure_system_packages() {
  local purpose=$1 missing=()
  for family in "Noto Sans" "Noto Sans Arabic" "Noto Sans CJK SC"; do
    if ! command -v fc-list >/dev/null || [ -z "$(fc-list "$family" family)" ]; then
      missing+=(fontconfig fonts-noto-core fonts-noto-cjk); break
    fi
  done
  command -v msgfmt >/dev/null || missing+=(gettext)  # compiles the interface's translations (locale/)
  if [ "$purpose" = test ]; then
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v pdftotext >/dev/null || missing+=(poppler-utils)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo); else
      echo "Missing system packages: ${missing[*]} (report PDFs are set in Noto fonts; translations are compiled with gettext; browser tests use Chromium; PDF tests read PDFs with pdftotext)." >&2
      echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "→ Installing system packages: ${missing[*]} (apt-get; a minute or two, once)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
