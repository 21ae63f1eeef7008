#!/usr/bin/env bash
# System packages the test suite needs that npm cannot bring:
#   postgresql-15 + postgresql-15-cron  the cron migration test (tests/cron/) runs
#                                       pg_cron for real on Debian's PostgreSQL 15
#   chromium                            the status page test drives it with playwright-core
#
# Idempotent and quiet: installs with apt-get only what dpkg says is missing,
# and exits 0 at once when everything is there. Meant for `npm test`'s pretest
# on a fresh Debian bookworm machine where we are root (CI is).
#
# With CI=true the packages are required: when they cannot be installed this
# fails. Anywhere else (macOS, Linux without root or apt) it prints what to
# install and exits 0: the test files that need a missing package skip
# themselves with one line (tests/support/system-packages.ts), and everything
# else in `npm test` runs.
set -euo pipefail

wanted=(postgresql-15 postgresql-15-cron chromium)
missing=()
for pkg in "${wanted[@]}"; do
  # `dpkg-query -W` exits non-zero for an unknown package; Status must say
  # "install ok installed" (a removed package can linger as "deinstall ... config-files").
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

required() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }

# cannot_install <why>: fatal under CI, a hint anywhere else.
cannot_install() {
  if required; then
    echo "system-packages: missing ${missing[*]}; $1 (CI=true requires them)" >&2
    exit 1
  fi
  echo "system-packages: missing ${missing[*]}; $1. The tests that need them are skipped; to run them: sudo apt-get install -y ${missing[*]} (Debian/Ubuntu), or sudo bash dev/system-packages.sh" >&2
  exit 0
}

if ! command -v apt-get >/dev/null 2>&1; then
  cannot_install "there is no apt-get here"
fi
if [[ $(id -u) -ne 0 ]]; then
  cannot_install "installing them needs root"
fi

echo "system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp -t system-packages.XXXXXX.log)
# Install with the package lists we have; refresh them only if that fails (a
# fresh machine has none, an old one may point at versions the mirror dropped).
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  apt-get update -qq >>"$log" 2>&1 || true
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    cannot_install "apt-get install failed (log: $log)"
  fi
fi
echo "system-packages: installed ${missing[*]}"
