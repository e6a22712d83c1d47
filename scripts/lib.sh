# Shared by scripts/serve and scripts/test: find Python 3.11+, keep .venv in step with pyproject.toml.
# shellcheck shell=bash

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "SafeGrid needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 1
}

# ensure_venv [extras]: create .venv once; (re)install when pyproject.toml changed since the last install.
ensure_venv() {
  local extras="${1:-}" stamp want
  stamp=".venv/.installed-${extras:-base}"
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$(find_python)" -m venv .venv
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> installing Python dependencies${extras:+ (with $extras)}"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    echo "$want" > "$stamp"
  fi
}

# build_pwa: build the field app once pwa/ exists, when its sources changed since the last build.
build_pwa() {
  [ -f pwa/package.json ] || return 0
  command -v npm >/dev/null || { echo "the field app needs Node.js 20 and npm" >&2; exit 1; }
  (cd pwa && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
}
