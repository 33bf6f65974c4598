#!/usr/bin/env bash
# Render the mlscan HTML report in headless Chromium and save a screenshot (docs/report-screenshot.png).
#
#   scripts/screenshot_report.sh [REPORT.html] [OUT.png]
#
# Without REPORT.html it first runs `mlscan demo` (the seeded sandbox of the three clouds plus the bundled
# Terraform) into a temporary HTML report. The first failing control is opened (scripts/screenshot_report.py,
# Playwright driving the system chromium; Debian: apt-get install -y chromium). The browser runs offline:
# the report must render with no network.
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
  (cd "$repo" && "$mlscan" demo --format html --output-dir "$work" --fail-on never --quiet >/dev/null)
fi

phone="${out%.png}-phone.png"
[[ "$out" == "$repo/docs/report-screenshot.png" ]] && phone="$repo/docs/report-phone.png"
"${PYTHON:-$repo/.venv/bin/python}" "$repo/scripts/screenshot_report.py" "$report" "$out" "$phone"
