# Sourced by the Makefile and .ci/run: find Python 3.12+ and uv, installing uv if missing.
# Never downloads a Python: uv is told to use the interpreter found here.
set -euo pipefail

find_python() {
  local candidates=()
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for v in 3.13.0 3.13 3.12.1 3.12; do candidates+=("$root/versions/$v/bin/python3"); done
  fi
  candidates+=("$(command -v python3.13 || true)" "$(command -v python3.12 || true)" "$(command -v python3 || true)")
  for py in "${candidates[@]}"; do
    [ -n "$py" ] && [ -x "$py" ] || continue
    if "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  echo "Tutela needs Python 3.12 or newer; none was found (install it, e.g. with pyenv)." >&2
  return 1
}

UV_PYTHON=$(find_python)
export UV_PYTHON UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy
if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
elif [ -x .uv-boot/bin/uv ]; then
  UV=$PWD/.uv-boot/bin/uv
else
  echo "Installing uv into .uv-boot/ (one time)…"
  "$UV_PYTHON" -m venv .uv-boot
  .uv-boot/bin/pip install -q --disable-pip-version-check "uv==0.13.9" 2>&1 | grep -v "is ignored" || true
  UV=$PWD/.uv-boot/bin/uv
fi
export UV
