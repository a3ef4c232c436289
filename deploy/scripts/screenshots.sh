#!/usr/bin/env bash
# Regenerates the screenshots of the console's main pages in docs/console/ (1280x800 PNGs): an entry of the console's
# test project registers a small data set through the API and captures each page in headless chromium (test.sh starts
# its servers and installs the browser). Another folder: deploy/scripts/screenshots.sh path/to/folder
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
out=$(realpath -m "${1:-$root/docs/console}")
cd "$root"

log "building in Release"
build=$(dotnet build "$root/tests/Provenance.Console.Tests" -c Release -nologo -v quiet 2>&1) || { printf '%s\n' "$build"; die "the build failed (above)"; }
set +e
PROVENANCE_CONSOLE_SCREENSHOTS=$out "$root/deploy/scripts/test.sh" "$root/tests/Provenance.Console.Tests" --partitions 1 --no-build --filter "FullyQualifiedName~Provenance.Console.Tests.ConsoleScreenshots" \
  2>&1 | grep -E 'Passed|Failed|Skipped|rror'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || die "the screenshots were not taken (above)"
log "screenshots in $out: $(cd "$out" && echo *.png)"
