# Shared by ./run and ./test: create .venv and install a requirements file when it changed.
ensure_venv() {
  local requirements="$1"
  local python_bin
  python_bin="$(command -v python3.11 || command -v python3)"
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating the virtual environment (.venv) with $python_bin"
    "$python_bin" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$requirements")"
  local digest
  digest="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> Installing $requirements"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$requirements"
    echo "$digest" >"$stamp"
  fi
}
