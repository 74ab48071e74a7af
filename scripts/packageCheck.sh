#!/usr/bin/env bash
# Packages the app for Linux as far as this machine can without downloading a tool:
# electron-builder's unpacked `dir` target, around a stand-in Electron distribution
# (the real one is fetched on first launch and cannot be had here). It fails on what
# `npm run dist` would fail on before its downloads: configuration, metadata, files.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/electron"
touch "$work/electron/electron" && chmod +x "$work/electron/electron"
version=$(node -p "require('./node_modules/electron/package.json').version")
npx electron-builder --linux dir --publish never \
  -c.electronDist="$work/electron" -c.electronVersion="$version" -c.directories.output="$work/dist"
test -f "$work/dist/linux-unpacked/resources/app.asar" || { echo "packageCheck: no app.asar was packed" >&2; exit 1; }
test -f "$work/dist/linux-unpacked/resources/resources/tray/idle-dark.png" || { echo "packageCheck: the tray icons were not packed" >&2; exit 1; }
echo "packageCheck: packed $work/dist/linux-unpacked"
