#!/usr/bin/env bash
# scripts/report-shot.sh [DIR] -- screenshot DIR/index.html (default
# reports/latest) with headless Chromium into DIR/screenshot.png, so a person
# can see the page without a desktop.  The page height is estimated from what
# the page holds (figures, table rows, paragraphs): headless Chromium shoots
# the window, not the whole document.
set -eu
dir=${1:-reports/latest}
html="$dir/index.html"
[ -f "$html" ] || { echo "report-shot: $html does not exist (make report)" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "report-shot: chromium is not installed (scripts/install-deps.sh --browser)" >&2; exit 1; }
count() { grep -o "$1" "$html" | wc -l; }
height=$(( 400 + 560 * $(count '<figure') + 34 * $(count '<tr>') + 50 * $(count '<p[ >]') \
           + 28 * $(count '<li>') + 80 * $(count '<h[23]') ))
[ "$height" -le 30000 ] || height=30000
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$dir" && pwd)
# flags that work as root in a container: no sandbox, no GPU, no network use
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --screenshot="$abs/screenshot.png" \
    --window-size=1400,"$height" "file://$abs/index.html" >/dev/null 2>&1 || true
[ -s "$abs/screenshot.png" ] || { echo "report-shot: chromium wrote no screenshot" >&2; exit 1; }
echo "report-shot: wrote $dir/screenshot.png (1400 x $height)"
