#!/usr/bin/env bash
# Takes the README screenshots from the running studio in a real window under Xvfb.
# Needs (Debian): apt-get install -y xvfb xauth libgtk-3-0 imagemagick xdotool
# and a build:    mvn -DskipTests package
# Run from anywhere: assets/screenshots/take.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=assets/screenshots
display=:77
workspace=$(mktemp -d)
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=$display
app=""
cleanup() { [[ -n "$app" ]] && kill "$app" 2>/dev/null; kill "$xvfb" 2>/dev/null; rm -rf "$workspace"; }
trap cleanup EXIT
sleep 1
BYTEWISE_JAVA_OPTS="-Dbytewise.workspace=$workspace" bin/bytewise >/dev/null 2>&1 &
app=$!
for _ in $(seq 60); do xdotool search --name '^Bytewise' >/dev/null 2>&1 && break; sleep 1; done
win=$(xdotool search --name '^Bytewise' | head -1)
xdotool windowmove "$win" 0 0 windowsize "$win" 1280 800 windowactivate --sync "$win" 2>/dev/null || true
sleep 3
shot() { sleep "${2:-2}"; import -window root "$out/$1.png"; echo "wrote $out/$1.png"; }
key() { xdotool key --window "$win" "$@"; }

key ctrl+1; shot dataset
key ctrl+2; shot hyperparameters
key ctrl+3; sleep 1; key F5; shot training 12
key ctrl+4; shot inspector 4
key ctrl+5; sleep 2
# focus the prompt (it takes focus when the page opens), type, and generate
xdotool type --window "$win" --delay 40 "The river"
key ctrl+Return; shot playground 6
