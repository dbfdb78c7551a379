# Sourced by the install scripts: fetches a Go module at a pinned hash, and builds a tool from it.
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

# Builds a Go tool from a release module at a pinned hash into .tools/bin/, unless it is there:
#
#   install_pinned_go_tool NAME VERSION_LINE MODULE VERSION HASH PACKAGE [go build flags...]
#
# NAME is the binary in .tools/bin; VERSION_LINE the start of the first line `NAME --version`
# prints at the pinned version (the build flags stamp it), so an installed tool is checked, not
# trusted by its name. The tool is built inside the downloaded release as its own main module:
# its go.sum pins, and Go verifies, every dependency (`go install MODULE/cmd@VERSION` would do the
# same, but first asks the proxy for the module's version list, which it refuses here). CGO off:
# a static binary that needs nothing from the machine; -trimpath: no local paths in it;
# GOWORK=off: a module zip may carry its repository's go.work, whose other modules it leaves out.
install_pinned_go_tool() {
  local name="$1" expected="$2" module="$3" version="$4" hash="$5" package="$6"
  shift 6
  local root bin tool start dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  bin="$root/.tools/bin"
  tool="$bin/$name"
  say() { printf 'install-%s: %s\n' "$name" "$*"; }

  if [[ -x "$tool" && "$("$tool" --version 2>/dev/null | head -n1)" == "$expected"* ]]; then
    say "$expected already in .tools/bin, nothing to do"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    say "Go is not installed (no go on PATH): cannot build $name. Install Go: https://go.dev/doc/install" >&2
    return 1
  fi
  mkdir -p "$bin"
  start=$(date +%s)
  say "downloading $module@$version from the Go module proxy"
  dir=$(pinned_module_dir "$module" "$version" "$hash")
  say "hash verified ($hash); building $name with $(go version | cut -d' ' -f3) (a few minutes the first time)"
  (cd "$dir" && GOWORK=off CGO_ENABLED=0 go build -mod=readonly -trimpath "$@" -o "$tool.tmp" "$package")
  mv "$tool.tmp" "$tool"
  say "built $tool in $(($(date +%s) - start))s: $("$tool" --version 2>&1 | head -n1)"
}
