# Shared by scripts/serve and scripts/test: find Python 3.11+, keep .venv in step with pyproject.toml,
# build the field app, install the browser and the reverse proxy the tests drive.
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

# build_pwa: build the field app into pwa/dist once pwa/ exists; `npm ci` first when package-lock.json
# changed since the last install.
build_pwa() {
  [ -f pwa/package.json ] || return 0
  command -v npm >/dev/null || { echo "the field app needs Node.js 20 and npm" >&2; exit 1; }
  local want
  want="$(sha256sum pwa/package-lock.json | cut -d' ' -f1)"
  if [ "$(cat pwa/node_modules/.installed 2>/dev/null)" != "$want" ]; then
    echo "==> installing the field app's packages (npm ci)"
    (cd pwa && npm ci --no-audit --no-fund) && echo "$want" > pwa/node_modules/.installed
  fi
  echo "==> building the field app (pwa/dist)"
  (cd pwa && npm run build)
}

# ensure_package COMMAND PACKAGE WHY: install Debian's PACKAGE when COMMAND is missing (root only);
# without it the suite fails rather than skips the tests that need it.
ensure_package() {
  local command="$1" package="$2" why="$3"
  command -v "$command" >/dev/null || [ -x "/usr/sbin/$command" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "$why: install Debian's package (apt-get install --no-install-recommends $package)" >&2
    exit 1
  fi
  echo "==> installing $package (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$package" ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$package"; }
}

# ensure_chromium: the browser tests drive Debian's chromium.
ensure_chromium() { ensure_package chromium chromium "the browser tests need Chromium"; }

# ensure_nginx: the deploy tests run the production layout, nginx in front of gunicorn.
ensure_nginx() { ensure_package nginx nginx "the deploy tests need nginx"; }
