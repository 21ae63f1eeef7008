#!/usr/bin/env bash
# System packages the test suite needs that npm cannot bring:
#   postgresql-15 + postgresql-15-cron  the cron migration test (tests/cron/) runs
#                                       pg_cron for real on Debian's PostgreSQL 15
#   chromium                            the status page test drives it with playwright-core
#
# Idempotent and quiet: installs with apt-get only what dpkg says is missing,
# and exits 0 at once when everything is there. Meant for `npm test`'s pretest
# on a fresh Debian bookworm machine where we are root (CI is); elsewhere it
# prints what to install and fails.
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

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: missing ${missing[*]} and no apt-get here; install them by hand (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "system-packages: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Install with the package lists we have; refresh them only if that fails (a
# fresh machine has none, an old one may point at versions the mirror dropped).
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/system-packages.log 2>&1; then
  apt-get update -qq >>/tmp/system-packages.log 2>&1
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/system-packages.log 2>&1; then
    tail -n 30 /tmp/system-packages.log >&2
    echo "system-packages: apt-get install ${missing[*]} failed (log: /tmp/system-packages.log)" >&2
    exit 1
  fi
fi
echo "system-packages: installed ${missing[*]}"
