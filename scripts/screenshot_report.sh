#!/usr/bin/env bash
# Render the mlscan HTML report in headless Chromium and save a screenshot (docs/report-screenshot.png).
#
#   scripts/screenshot_report.sh [REPORT.html] [OUT.png]
#
# Without REPORT.html it first scans terraform/insecure (all three clouds) into a temporary HTML report. Needs chromium (Debian: apt-get install -y chromium); the unit tests
# do not. The flags keep Chromium offline and stateless: the report must render with no network.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
report="${1:-}"
out="${2:-$repo/docs/report-screenshot.png}"
mlscan="${MLSCAN:-$repo/.venv/bin/mlscan}"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"

if [[ -z "$browser" ]]; then
  echo "screenshot_report.sh: chromium not found (apt-get install -y chromium, or set CHROMIUM=...)" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ -z "$report" ]]; then
  report="$work/mlscan.html"
  (cd "$repo" && "$mlscan" iac terraform/insecure --format html --output "$report" --fail-on never --quiet)
fi

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$work/profile" \
  --screenshot="$out" --window-size=1400,2000 "file://$(realpath "$report")" 2>"$work/chromium.log" \
  || { cat "$work/chromium.log" >&2; exit 1; }

test -s "$out" || { echo "screenshot_report.sh: no screenshot written" >&2; cat "$work/chromium.log" >&2; exit 1; }
echo "wrote $out"

phone="${out%.png}-phone.png"
[[ "$out" == "$repo/docs/report-screenshot.png" ]] && phone="$repo/docs/report-phone.png"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$work/profile" \
  --screenshot="$phone" --window-size=390,1600 "file://$(realpath "$report")" 2>"$work/chromium.log" \
  || { cat "$work/chromium.log" >&2; exit 1; }
echo "wrote $phone (390 px)"
