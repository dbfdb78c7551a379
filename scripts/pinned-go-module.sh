# Sourced by the install scripts: fetches a Go module at a pinned hash.
#
#   dir=$(pinned_module_dir MODULE VERSION HASH)
#
# Downloads MODULE@VERSION from the Go module proxy (into Go's module cache) and prints the
# folder it is extracted in, or fails (exit 1, message on stderr) when the module's hash is
# not HASH (the h1: form go.sum uses). The checksum database is not asked for MODULE: it does
# not answer for some modules here (sealed-secrets' renamed path, 404), and the pinned hash is
# the stronger check anyway, since every machine then gets the very bytes it names.

pinned_module_dir() {
  local module="$1" version="$2" hash="$3" download sum
  field() { sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" <<<"$download"; }
  # On failure Go's reason (an unreachable proxy, an unknown version) is in the JSON, not on stderr.
  if ! download=$(cd "${TMPDIR:-/tmp}" && GONOSUMDB="$module" go mod download -json "$module@$version"); then
    printf 'cannot download %s@%s: %s\n' "$module" "$version" "$(field Error)" >&2
    return 1
  fi
  sum=$(field Sum)
  if [[ "$sum" != "$hash" ]]; then
    printf 'refusing %s@%s: hash %s, expected %s\n' "$module" "$version" "'$sum'" "$hash" >&2
    return 1
  fi
  field Dir
}
