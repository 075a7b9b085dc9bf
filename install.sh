#!/usr/bin/env bash
# bacula-mock installer (manual §3; docs/install.md). Run from the release directory.
# Every step is logged to installation.log in the install directory. Safe to run again.
set -Eeuo pipefail
umask 022

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
readonly SRC_DIR
readonly DEFAULT_PORT=9101
readonly NODE_MAJOR_MIN=20
readonly SERVICE_USER=bacula-mock
# Kept across re-runs and upgrades; everything else in the install directory is the release.
readonly PRESERVED=(config.yaml .env data logs certs backups installation.log bacula-mock.pid .install-info .install.lock)

YES=0 SKIP_SYSTEMD=0 TLS=0 UPGRADE=0 VERBOSE=0
PORT="" DIR="" PORT_GIVEN=0 TLS_GIVEN=0

usage() {
  cat <<EOF
Usage: ./install.sh [options]

Installs bacula-mock from this release directory: as root to /opt/bacula-mock, as a user
to ~/bacula-mock. Needs Node.js ${NODE_MAJOR_MIN}+ and npm (packages come from the npm registry only).

  -h, --help           Show this help
  -y, --yes            Non-interactive: accept the defaults
  -s, --skip-systemd   Do not install the systemd service (the server is started in the
                       background for the health check instead)
  -p, --port PORT      Port to serve on (default: ${DEFAULT_PORT})
  -d, --dir DIR        Install directory
  -t, --tls            Serve HTTPS with a generated self-signed certificate (certs/)
  -u, --upgrade        Upgrade an existing install: keeps config.yaml, .env, data/, logs/,
                       certs/; backs them and the old release up under backups/ first;
                       a failed upgrade puts the old release back
  -v, --verbose        Show every command's output (it always goes to installation.log)

Two installs with different -d and -p run side by side; the second is named after its
directory (bacula-mock-2 for /opt/bacula-mock-2): its command, its systemd unit.
EOF
}

# ---------------------------------------------------------------- output and log

LOG=""
PRELOG=()
STEP=""
log() {
  local line
  line="[$(date '+%Y-%m-%d %H:%M:%S')] $*"
  if [[ -n $LOG ]]; then printf '%s\n' "$line" >>"$LOG"; else PRELOG+=("$line"); fi
}
step() { STEP=$*; printf '==> %s\n' "$*"; log "==> $*"; }
info() { printf '    %s\n' "$*"; log "    $*"; }
detail() { if ((VERBOSE)); then printf '    %s\n' "$*"; fi; log "    $*"; }
warn() { printf 'warning: %s\n' "$*" >&2; log "WARNING: $*"; }
die() { printf 'error: %s\n' "$*" >&2; log "ERROR: $*"; exit 1; }

# Runs a command with its output in the log (and on the screen with -v).
run() {
  log "    \$ $*"
  if ((VERBOSE)); then
    "$@" 2>&1 | tee -a "${LOG:-/dev/null}"
    return "${PIPESTATUS[0]}"
  fi
  if [[ -n $LOG ]]; then "$@" >>"$LOG" 2>&1; else "$@" >/dev/null 2>&1; fi
}

open_log() {
  LOG="$DIR/installation.log"
  touch "$LOG"
  {
    printf '\n[%s] ---- install.sh %s (from %s, by %s) ----\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$ARGS" "$SRC_DIR" "$(id -un)"
    if ((${#PRELOG[@]})); then printf '%s\n' "${PRELOG[@]}"; fi
  } >>"$LOG"
  PRELOG=()
}

# ---------------------------------------------------------------- arguments

need_value() { [[ $# -ge 2 && -n $2 && $2 != -* ]] || die "$1 needs a value (see --help)"; }

parse_args() {
  while (($#)); do
    case $1 in
      -h | --help) usage; exit 0 ;;
      -y | --yes) YES=1 ;;
      -s | --skip-systemd) SKIP_SYSTEMD=1 ;;
      -t | --tls) TLS=1; TLS_GIVEN=1 ;;
      -u | --upgrade) UPGRADE=1 ;;
      -v | --verbose) VERBOSE=1 ;;
      -p | --port) need_value "$@"; PORT=$2; PORT_GIVEN=1; shift ;;
      --port=*) PORT=${1#*=}; PORT_GIVEN=1 ;;
      -d | --dir) need_value "$@"; DIR=$2; shift ;;
      --dir=*) DIR=${1#*=} ;;
      -[hystuvpd][hystuvpd]*)
        # Bundled short flags: -ys, -yp 9102.
        local bundle=$1 i
        shift
        local expanded=()
        for ((i = 1; i < ${#bundle}; i++)); do expanded+=("-${bundle:i:1}"); done
        set -- "${expanded[@]}" "$@"
        continue ;;
      *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
  done
  if ((PORT_GIVEN)); then
    [[ $PORT =~ ^[0-9]+$ ]] && ((PORT >= 1 && PORT <= 65535)) || die "port must be a number from 1 to 65535 (got \"$PORT\")"
  fi
}

ask() { # question default → answer (the default when not interactive)
  local answer=""
  if ((YES)) || [[ ! -t 0 ]]; then printf '%s' "$2"; return; fi
  read -r -p "$1 [$2] " answer </dev/tty || true
  printf '%s' "${answer:-$2}"
}
yes_no() { [[ $(ask "$1" "$2") =~ ^[Yy] ]]; }

# ---------------------------------------------------------------- environment

NODE="" NPM="" HAVE_SYSTEMD=0 ROOT=0 NAME="" UNIT_SCOPE="" EXISTING=0 STAGING="" OLD_RELEASE="" BACKUP=""
SWAPPED=0 SERVICE_STARTED_BY_US=0

preflight() {
  step "Checking the system"
  [[ $(uname -s) == Linux || $(uname -s) == Darwin ]] || warn "untested operating system $(uname -s)"
  NODE=$(command -v node || true)
  [[ -n $NODE ]] || die "Node.js ${NODE_MAJOR_MIN}+ is needed and 'node' is not on PATH (install it from https://nodejs.org or your distribution, then run again)"
  local major
  major=$("$NODE" -p 'process.versions.node.split(".")[0]')
  ((major >= NODE_MAJOR_MIN)) || die "Node.js ${NODE_MAJOR_MIN}+ is needed; $NODE is $("$NODE" -v)"
  NPM=$(command -v npm || true)
  [[ -n $NPM || -n ${BACULA_MOCK_INSTALL_NODE_MODULES_FROM:-} ]] || die "npm is needed and not on PATH"
  info "node $("$NODE" -v) at $NODE${NPM:+, npm $("$NPM" -v 2>/dev/null)}"
  for tool in tar; do command -v "$tool" >/dev/null || die "'$tool' is needed"; done
  [[ -f $SRC_DIR/package.json && -f $SRC_DIR/config.yaml.dist ]] || die "$SRC_DIR does not look like a bacula-mock release (no package.json or config.yaml.dist)"
  if [[ $(id -u) -eq 0 ]]; then ROOT=1; fi
  if ((SKIP_SYSTEMD)); then
    info "systemd: skipped (-s)"
  elif [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    HAVE_SYSTEMD=1
    if ((ROOT)); then UNIT_SCOPE=system; else UNIT_SCOPE=user; fi
    info "systemd: found (a $UNIT_SCOPE unit will be installed)"
  else
    info "systemd: not running on this machine; skipped (the server is started in the background instead)"
  fi
}

choose_target() {
  if [[ -z $DIR ]]; then
    if ((ROOT)); then DIR=/opt/bacula-mock; else DIR="$HOME/bacula-mock"; fi
    DIR=$(ask "Install directory?" "$DIR")
  fi
  [[ $DIR == /* ]] || DIR="$PWD/$DIR"
  DIR=${DIR%/}
  mkdir -p "$DIR" || die "cannot create $DIR"
  DIR=$(cd "$DIR" && pwd -P)
  [[ $DIR != "$SRC_DIR" ]] || die "the install directory is the release directory itself; run install.sh from the new release's directory (or give -d)"
  case $SRC_DIR/ in "$DIR"/*) die "the release directory $SRC_DIR is inside the install directory $DIR" ;; esac
  local base
  base=$(basename "$DIR")
  # The command and unit are named after the directory, so instances do not overwrite each other's.
  if [[ $base == bacula-mock* ]]; then NAME=$base; else NAME="bacula-mock-$base"; fi
  NAME=$(printf '%s' "$NAME" | tr -c 'A-Za-z0-9_.-' '-')
  if [[ -f $DIR/.install-info ]] || { [[ -f $DIR/package.json ]] && grep -q '"name": *"bacula-mock"' "$DIR/package.json"; }; then
    EXISTING=1
  elif [[ -n $(ls -A "$DIR" 2>/dev/null | grep -v -x -e installation.log -e .install.lock) ]]; then
    die "$DIR is not empty and holds no bacula-mock install; choose another directory with -d"
  fi
  ((UPGRADE == 0 || EXISTING)) || die "nothing to upgrade in $DIR (no bacula-mock install there); run without -u to install"
}

lock_target() {
  if command -v flock >/dev/null; then
    exec 9>"$DIR/.install.lock"
    flock -n 9 || die "another install.sh is working on $DIR"
  fi
}

# ---------------------------------------------------------------- the release, built aside

stage_release() {
  step "Building the release in a staging directory"
  STAGING="$DIR/.staging.$$"
  rm -rf "$DIR"/.staging.* "$DIR"/.old-release.*
  mkdir -p "$STAGING"
  # The files of the release; never what a checkout or a running install accumulates.
  tar -C "$SRC_DIR" \
    --exclude=./node_modules --exclude=./.git --exclude=./dist --exclude=./data --exclude=./logs \
    --exclude=./backups --exclude=./certs --exclude=./config.yaml --exclude=./.env --exclude=./.tap \
    --exclude=./installation.log --exclude=./bacula-mock.pid --exclude=./.install-info --exclude='./.staging.*' \
    --exclude=./coverage -cf - . | tar -C "$STAGING" -xf -
  detail "copied $(find "$STAGING" -type f | wc -l | tr -d ' ') files from $SRC_DIR"
  local shortcut=${BACULA_MOCK_INSTALL_NODE_MODULES_FROM:-}
  if [[ -n $shortcut ]]; then
    # For tests only: node_modules is a link to an existing one instead of `npm ci` (minutes),
    # and it is not pruned (that would delete from the linked tree).
    [[ -d $shortcut/typescript ]] || die "BACULA_MOCK_INSTALL_NODE_MODULES_FROM=$shortcut is not a node_modules with typescript"
    warn "test shortcut: node_modules linked to $shortcut (BACULA_MOCK_INSTALL_NODE_MODULES_FROM); no npm ci, no prune"
    ln -s "$shortcut" "$STAGING/node_modules"
  else
    info "dependencies: npm ci (from the npm registry; this takes a few minutes)"
    # --ignore-scripts: no package's install script runs (one would phone home); we build ourselves.
    local cmd=(ci)
    [[ -f $STAGING/package-lock.json ]] || cmd=(install)
    (cd "$STAGING" && export SCARF_ANALYTICS=false && run "$NPM" "${cmd[@]}" --ignore-scripts --no-audit --no-fund) \
      || die "npm ${cmd[*]} failed (see $LOG); nothing was changed in $DIR"
  fi
  info "compiling TypeScript"
  (cd "$STAGING" && run "$NODE" node_modules/typescript/bin/tsc -p tsconfig.json) || die "the build failed (see $LOG); nothing was changed in $DIR"
  if [[ -z $shortcut ]]; then
    (cd "$STAGING" && run "$NPM" prune --omit=dev --ignore-scripts --no-audit --no-fund) || warn "npm prune failed; development packages stay installed"
  fi
  [[ -f $STAGING/dist/src/main.js ]] || die "the build produced no dist/src/main.js"
  (cd "$STAGING" && run "$NODE" -e "import('./dist/src/main.js').then(() => import('./dist/src/certs.js'))") \
    || die "the built server does not load (see $LOG); nothing was changed in $DIR"
  VERSION=$("$NODE" -p "require('$STAGING/package.json').version")
  info "bacula-mock $VERSION built"
}

# Node snippets run against the staged code: the config is read and checked by the server's own loader.
config_edit() { # file port|'' tls(0/1)|''
  "$NODE" --input-type=module -e '
    import { createRequire } from "node:module";
    import { existsSync, readFileSync, writeFileSync } from "node:fs";
    const [staging, file, dist, port, tls] = process.argv.slice(1);
    const { parseDocument } = createRequire(staging + "/package.json")("yaml");
    const doc = parseDocument(readFileSync(existsSync(file) ? file : dist, "utf8"));
    if (port) doc.setIn(["server", "port"], Number(port));
    if (tls) doc.setIn(["server", "tls", "enabled"], tls === "1");
    writeFileSync(file, String(doc), { mode: 0o640 });
  ' "$STAGING" "$1" "$STAGING/config.yaml.dist" "$2" "$3"
}

# Prints host, port, tls, username, password, cert_file (absolute), one per line; fails listing the problems.
config_read() {
  "$NODE" --input-type=module -e '
    import { resolve } from "node:path";
    const [staging, file] = process.argv.slice(1);
    const { loadConfig } = await import(staging + "/dist/src/config.js");
    try {
      const c = loadConfig(file);
      const s = c.server;
      console.log([s.host, s.port, s.tls.enabled, c.authentication.username, c.authentication.password, resolve(c.base, s.tls.cert_file), resolve(c.base, s.tls.key_file)].join("\n"));
    } catch (e) {
      console.error(e.lines ? e.lines.join("\n") : e.message);
      process.exit(2);
    }
  ' "$STAGING" "$1"
}

CFG_HOST="" CFG_PORT="" CFG_TLS="" CFG_USER="" CFG_PASSWORD="" CFG_CERT="" CFG_KEY=""
load_config_values() {
  local out
  out=$(config_read "$DIR/config.yaml" 2>&1) || die "$DIR/config.yaml cannot be used by bacula-mock $VERSION:
$out"
  { read -r CFG_HOST; read -r CFG_PORT; read -r CFG_TLS; read -r CFG_USER; read -r CFG_PASSWORD; read -r CFG_CERT; read -r CFG_KEY; } <<<"$out"
}

write_config() {
  step "Configuration"
  if [[ -f $DIR/config.yaml ]]; then
    if ((UPGRADE)); then
      ((PORT_GIVEN || TLS_GIVEN)) && warn "--upgrade keeps config.yaml as it is: -p/-t ignored (edit $DIR/config.yaml)"
      info "config.yaml kept"
    elif ((PORT_GIVEN || TLS_GIVEN)); then
      config_edit "$DIR/config.yaml" "$( ((PORT_GIVEN)) && printf '%s' "$PORT")" "$( ((TLS_GIVEN)) && printf 1)"
      info "config.yaml kept; set${PORT_GIVEN:+ }$( ((PORT_GIVEN)) && printf 'server.port: %s ' "$PORT")$( ((TLS_GIVEN)) && printf 'server.tls.enabled: true')"
    else
      info "config.yaml kept"
    fi
  else
    config_edit "$DIR/config.yaml" "${PORT:-$DEFAULT_PORT}" "$TLS"
    info "config.yaml written from config.yaml.dist (port ${PORT:-$DEFAULT_PORT}, TLS $( ((TLS)) && echo on || echo off))"
  fi
  mkdir -p "$DIR/data" "$DIR/logs" "$DIR/certs" "$DIR/backups"
  if [[ ! -f $DIR/certs/README.md && -f $SRC_DIR/certs/README.md ]]; then cp "$SRC_DIR/certs/README.md" "$DIR/certs/README.md"; fi

  # TLS: generate the pair only when the config wants it and it is missing (CA-signed files stay).
  local tls_wanted
  tls_wanted=$("$NODE" --input-type=module -e '
    import { createRequire } from "node:module"; import { readFileSync } from "node:fs";
    const [staging, file] = process.argv.slice(1);
    const { parse } = createRequire(staging + "/package.json")("yaml");
    const c = parse(readFileSync(file, "utf8")) ?? {};
    const t = c.server?.tls ?? {};
    console.log([t.enabled === true, t.cert_file ?? "certs/server.crt", t.key_file ?? "certs/server.key"].join("\n"));
  ' "$STAGING" "$DIR/config.yaml")
  local enabled cert key
  { read -r enabled; read -r cert; read -r key; } <<<"$tls_wanted"
  [[ $cert == /* ]] || cert="$DIR/$cert"
  [[ $key == /* ]] || key="$DIR/$key"
  if [[ $enabled == true ]]; then
    if [[ -f $cert && -f $key ]]; then
      info "TLS: keeping $cert and $key"
    else
      local host
      host=$(hostname -f 2>/dev/null || hostname 2>/dev/null || echo localhost)
      info "TLS: generating a 4096-bit self-signed certificate for $host (takes a few seconds)"
      (cd "$STAGING" && run "$NODE" dist/src/certs.js --cert-file "$cert" --key-file "$key" --hostname "$host") \
        || die "cannot generate the certificate (see $LOG)"
    fi
  fi

  load_config_values
  if [[ -f $DIR/.env ]] && { ((UPGRADE)) || ! ((PORT_GIVEN || TLS_GIVEN)); }; then
    info ".env kept"
  else
    write_env
    info ".env written for the CLI (port $CFG_PORT, TLS $CFG_TLS)"
  fi
  chmod 600 "$DIR/.env" 2>/dev/null || true
}

env_value() { # a value node:util.parseEnv reads back unchanged
  if [[ $1 =~ ^[A-Za-z0-9._/:@+=,-]*$ ]]; then printf '%s' "$1"
  elif [[ $1 != *"'"* ]]; then printf "'%s'" "$1"
  else printf '"%s"' "$1"
  fi
}

write_env() {
  local host=$CFG_HOST ca=""
  [[ $host == 0.0.0.0 || $host == :: || -z $host ]] && host=127.0.0.1
  [[ $CFG_TLS == true ]] && ca=$CFG_CERT
  local tmp="$DIR/.env.tmp.$$"
  (
    umask 077
    {
      echo "# bacula-mock CLI settings, written by install.sh $(date '+%Y-%m-%d %H:%M:%S'); kept by --upgrade."
      echo "BACULA_MOCK_HOST=$(env_value "$host")"
      echo "BACULA_MOCK_PORT=$CFG_PORT"
      echo "BACULA_MOCK_USER=$(env_value "$CFG_USER")"
      echo "BACULA_MOCK_PASSWORD=$(env_value "$CFG_PASSWORD")"
      echo "BACULA_MOCK_TLS=$CFG_TLS"
      echo "BACULA_MOCK_CA=$(env_value "$ca")"
      echo "BACULA_MOCK_CONFIG=$(env_value "$DIR/config.yaml")"
    } >"$tmp"
  )
  mv -f "$tmp" "$DIR/.env"
}

# ---------------------------------------------------------------- the running server

health_url() {
  local host=$CFG_HOST scheme=http
  [[ $host == 0.0.0.0 || $host == :: || -z $host ]] && host=127.0.0.1
  [[ $host == *:* ]] && host="[$host]"
  [[ $CFG_TLS == true ]] && scheme=https
  printf '%s://%s:%s/mock/health' "$scheme" "$host" "$CFG_PORT"
}

# GET a URL; prints the body. With TLS, checks the certificate against certs/server.crt first.
http_get() {
  local url=$1 insecure=${2:-0}
  if command -v curl >/dev/null; then
    local opts=(-fsS --max-time 5)
    if [[ $url == https:* ]]; then
      if ((insecure)); then opts+=(-k); else opts+=(--cacert "$CFG_CERT"); fi
    fi
    curl "${opts[@]}" "$url" 2>/dev/null
  else
    NODE_EXTRA_CA_CERTS=$CFG_CERT NODE_TLS_REJECT_UNAUTHORIZED=$((1 - insecure)) "$NODE" -e '
      fetch(process.argv[1], { signal: AbortSignal.timeout(5000) })
        .then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); })
        .catch(() => process.exit(1));' "$url" 2>/dev/null
  fi
}

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# The pid of the server this install started in the background, if it still runs.
background_pid() {
  local pid
  [[ -f $DIR/bacula-mock.pid ]] || return 1
  pid=$(cat "$DIR/bacula-mock.pid")
  pid_alive "$pid" || return 1
  # Only ours: the process must be serving this install's config.
  if [[ -r /proc/$pid/cmdline ]]; then tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/config.yaml" || return 1
  else ps -o args= -p "$pid" 2>/dev/null | grep -qF -- "$DIR/config.yaml" || return 1
  fi
  printf '%s' "$pid"
}

stop_server() {
  if ((HAVE_SYSTEMD)) && unit_active; then
    info "stopping $NAME.service"
    sctl stop "$NAME.service" || warn "systemctl stop $NAME failed"
    return
  fi
  local pid
  pid=$(background_pid) || return 0
  info "stopping the server started earlier in the background (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 600; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then warn "pid $pid did not stop within 60 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$DIR/bacula-mock.pid"
}

start_background() {
  local pid launcher=()
  command -v setsid >/dev/null && launcher=(setsid)
  # stdout is the log again (logs/ has it, rotated); stderr keeps start-up refusals.
  (cd "$DIR" && exec "${launcher[@]}" nohup "$NODE" "$DIR/cli/bin/run.js" start --config "$DIR/config.yaml" \
    </dev/null >/dev/null 2>>"$DIR/logs/stderr.log" 9>&-) &
  pid=$!
  printf '%s\n' "$pid" >"$DIR/bacula-mock.pid"
  SERVICE_STARTED_BY_US=1
  info "server started in the background (pid $pid; stop it with: kill \$(cat $DIR/bacula-mock.pid))"
}

start_server() {
  if ((HAVE_SYSTEMD)); then
    sctl restart "$NAME.service" || return 1
    info "$NAME.service started"
  else
    start_background
  fi
}

# Waits for /mock/health; prints a one-line summary. Fails when the server dies or the time runs out.
health_check() {
  local url timeout=${BACULA_MOCK_HEALTH_TIMEOUT:-120} body="" i note=""
  url=$(health_url)
  for ((i = 0; i < timeout * 5; i++)); do
    if body=$(http_get "$url"); then break; fi
    if [[ $CFG_TLS == true ]] && body=$(http_get "$url" 1); then
      note=" (the certificate does not verify against $CFG_CERT: CA-signed? set BACULA_MOCK_CA in .env to your CA)"
      break
    fi
    body=""
    if ((!HAVE_SYSTEMD)) && ! background_pid >/dev/null; then break; fi
    if ((HAVE_SYSTEMD)) && ((i > 10)) && unit_failed; then break; fi
    sleep 0.2
  done
  if [[ -z $body ]]; then
    warn "no answer from $url"
    if ((HAVE_SYSTEMD)); then
      log "$(journal_tail)"
      info "see: $(sctl_text) status $NAME; journalctl $( [[ $UNIT_SCOPE == user ]] && echo --user) -u $NAME -n 50"
    elif [[ -s $DIR/logs/stderr.log ]]; then
      info "the server said:"
      tail -n 5 "$DIR/logs/stderr.log" | sed 's/^/      /' | tee -a "$LOG"
    fi
    return 1
  fi
  local summary
  summary=$(printf '%s' "$body" | "$NODE" -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const d = JSON.parse(s).data;
      console.log(`ok, bacula-mock ${d.version}, ${d.director}, ${d.clients} clients, ${d.jobs} jobs, virtual time ${d.virtual_time}`);
    });') || summary="ok"
  info "health: $summary$note"
}

# ---------------------------------------------------------------- systemd

sctl() { if [[ $UNIT_SCOPE == user ]]; then run systemctl --user "$@"; else run systemctl "$@"; fi; }
sctl_text() { if [[ $UNIT_SCOPE == user ]]; then echo "systemctl --user"; else echo "sudo systemctl"; fi; }
unit_active() { if [[ $UNIT_SCOPE == user ]]; then systemctl --user is-active --quiet "$NAME.service"; else systemctl is-active --quiet "$NAME.service"; fi; }
unit_failed() { if [[ $UNIT_SCOPE == user ]]; then systemctl --user is-failed --quiet "$NAME.service"; else systemctl is-failed --quiet "$NAME.service"; fi; }
journal_tail() { if [[ $UNIT_SCOPE == user ]]; then journalctl --user -u "$NAME" -n 30 --no-pager 2>&1; else journalctl -u "$NAME" -n 30 --no-pager 2>&1; fi; }
unit_path() {
  if [[ $UNIT_SCOPE == user ]]; then printf '%s/systemd/user/%s.service' "${XDG_CONFIG_HOME:-$HOME/.config}" "$NAME"
  else printf '/etc/systemd/system/%s.service' "$NAME"; fi
}

# The unit template with its fields filled in: render_unit TEMPLATE DIR USER GROUP PORT NODE UNIT SCOPE
render_unit() {
  local template=$1 dir=$2 user=$3 group=$4 port=$5 node=$6 unit=$7 scope=$8 protect_home=true caps=""
  case $dir/ in /home/* | /root/* | /run/user/*) protect_home=read-only ;; esac
  ((port < 1024)) && caps=CAP_NET_BIND_SERVICE
  local sed_script=(-e "s|@INSTALL_DIR@|$dir|g" -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" -e "s|@PORT@|$port|g"
    -e "s|@NODE@|$node|g" -e "s|@UNIT@|$unit|g" -e "s|@PROTECT_HOME@|$protect_home|g" -e "s|@CAPABILITIES@|$caps|g")
  if [[ $scope == user ]]; then
    # A user manager cannot switch users or build the sandbox; it starts with the user's session.
    sed_script+=(-e '/^User=/d' -e '/^Group=/d' -e '/^# Sandbox/,/^ReadWritePaths=/d' -e 's|^WantedBy=multi-user.target|WantedBy=default.target|')
  fi
  sed "${sed_script[@]}" "$template"
}

ensure_service_user() {
  id "$SERVICE_USER" >/dev/null 2>&1 && return 0
  local nologin
  nologin=$(command -v nologin || echo /usr/sbin/nologin)
  if command -v useradd >/dev/null; then
    run useradd --system --user-group --home-dir /nonexistent --no-create-home --shell "$nologin" "$SERVICE_USER" \
      || die "cannot create the system user $SERVICE_USER"
  else
    die "cannot create the system user $SERVICE_USER (no useradd); create it, then run again"
  fi
  info "created the system user $SERVICE_USER"
}

set_ownership() {
  ((ROOT && HAVE_SYSTEMD)) || return 0
  local group
  group=$(id -gn "$SERVICE_USER")
  chown -R "$SERVICE_USER:$group" "$DIR/data" "$DIR/logs" "$DIR/certs"
  chown "root:$group" "$DIR/config.yaml" "$DIR/.env"
  chmod 640 "$DIR/config.yaml" "$DIR/.env"
  [[ -f $CFG_KEY ]] && chmod 600 "$CFG_KEY"
  detail "data/, logs/, certs/ owned by $SERVICE_USER; config.yaml and .env readable by group $group"
}

install_unit() {
  ((HAVE_SYSTEMD)) || return 0
  step "systemd"
  local user group path
  if [[ $UNIT_SCOPE == system ]]; then
    ensure_service_user
    user=$SERVICE_USER
    group=$(id -gn "$SERVICE_USER")
  else
    user=$(id -un) group=$(id -gn)
    if ! systemctl --user show-environment >/dev/null 2>&1; then
      warn "no systemd user manager for $(id -un) (no login session?): unit not installed; the server is started in the background instead"
      HAVE_SYSTEMD=0
      return 0
    fi
  fi
  path=$(unit_path)
  mkdir -p "$(dirname "$path")"
  # Rendered and checked beside, under its own name (verify goes by the file name), then moved in.
  local rendered
  rendered=$(mktemp -d)/$NAME.service
  render_unit "$DIR/systemd/bacula-mock.service" "$DIR" "$user" "$group" "$CFG_PORT" "$NODE" "$NAME" "$UNIT_SCOPE" >"$rendered"
  if command -v systemd-analyze >/dev/null; then
    local problems
    problems=$(systemd-analyze $( [[ $UNIT_SCOPE == user ]] && echo --user) verify "$rendered" 2>&1 | grep -v -e '^$' || true)
    if [[ -n $problems ]]; then warn "systemd-analyze verify: $problems"; fi
  fi
  mv -f "$rendered" "$path"
  rmdir "$(dirname "$rendered")" 2>/dev/null || true
  chmod 644 "$path"
  sctl daemon-reload || die "systemctl daemon-reload failed"
  sctl enable "$NAME.service" || die "systemctl enable $NAME failed"
  if [[ $UNIT_SCOPE == user ]]; then
    info "installed $path (enabled: starts with your session; 'loginctl enable-linger $(id -un)' runs it without one)"
  else
    info "installed $path (enabled: starts at boot)"
  fi
}

# ---------------------------------------------------------------- the swap

release_entries() { # the names in $1 that belong to the release (not preserved, not ours)
  local name keep p
  for p in "$1"/* "$1"/.[!.]*; do
    [[ -e $p || -L $p ]] || continue
    name=$(basename "$p")
    keep=0
    for k in "${PRESERVED[@]}"; do [[ $name == "$k" ]] && keep=1; done
    [[ $name == .staging.* || $name == .old-release.* || $name == .env.tmp.* ]] && keep=1
    ((keep)) || printf '%s\n' "$name"
  done
}

backup_preserved() {
  local ts
  ts=$(date '+%Y%m%d-%H%M%S')
  BACKUP="$DIR/backups/$ts"
  [[ -e $BACKUP ]] && BACKUP="$BACKUP-$$"
  mkdir -p "$BACKUP"
  local item
  for item in config.yaml .env data certs; do
    [[ -e $DIR/$item ]] && cp -a "$DIR/$item" "$BACKUP/"
  done
  info "backup of config.yaml, .env, data/, certs/ in $BACKUP ($(du -sh "$BACKUP" | cut -f1))"
}

# Moves the old release aside and the staged one in. Renames within one file system: no copying.
swap_in() {
  OLD_RELEASE="$DIR/.old-release.$$"
  mkdir -p "$OLD_RELEASE"
  local name
  while IFS= read -r name; do mv "$DIR/$name" "$OLD_RELEASE/" || return 1; done < <(release_entries "$DIR")
  while IFS= read -r name; do mv "$STAGING/$name" "$DIR/" || return 1; done < <(release_entries "$STAGING")
  rmdir "$STAGING" 2>/dev/null || rm -rf "$STAGING"
  STAGING=""
  SWAPPED=1
}

# Puts the old release (and the data as it was before the upgrade) back.
roll_back() {
  warn "the new release did not come up; putting the previous one back"
  stop_server || true
  local name
  while IFS= read -r name; do rm -rf "${DIR:?}/$name"; done < <(release_entries "$DIR")
  while IFS= read -r name; do mv "$OLD_RELEASE/$name" "$DIR/"; done < <(release_entries "$OLD_RELEASE")
  rm -rf "$OLD_RELEASE"
  if [[ -n $BACKUP && -d $BACKUP/data ]]; then
    rm -rf "$DIR/data"
    cp -a "$BACKUP/data" "$DIR/data"
    info "data/ restored from $BACKUP"
  fi
  set_ownership
  if start_server && health_check; then
    die "upgrade failed; the previous release is back and answering (the failed attempt is in $LOG)"
  fi
  die "upgrade failed, and the previous release does not answer either (see $LOG)"
}

link_cli() {
  step "The bacula-mock command"
  local bindir target="$DIR/cli/bin/run.js"
  if ((ROOT)); then bindir=${BACULA_MOCK_BIN_DIR:-/usr/local/bin}; else bindir=${BACULA_MOCK_BIN_DIR:-$HOME/.local/bin}; fi
  if [[ ! -f $target ]]; then
    warn "$target is missing from this release: no command linked"
    return 0
  fi
  chmod +x "$target"
  mkdir -p "$bindir"
  local link="$bindir/$NAME"
  if [[ -L $link && $(readlink "$link") != "$target" ]]; then warn "$link pointed to $(readlink "$link"); it now points to this install"; fi
  ln -sfn "$target" "$link"
  info "$link -> $target"
  case ":$PATH:" in *":$bindir:"*) ;; *) info "note: $bindir is not on your PATH (add it, or run $link)" ;; esac
}

write_install_info() {
  cat >"$DIR/.install-info" <<EOF
name=$NAME
version=$VERSION
installed=$(date '+%Y-%m-%dT%H:%M:%S%z')
source=$SRC_DIR
systemd=$( ((HAVE_SYSTEMD)) && echo "$UNIT_SCOPE:$(unit_path)" || echo none)
command=$( ((ROOT)) && echo "${BACULA_MOCK_BIN_DIR:-/usr/local/bin}/$NAME" || echo "${BACULA_MOCK_BIN_DIR:-$HOME/.local/bin}/$NAME")
EOF
}

cleanup() {
  local status=$?
  if [[ -n $STAGING && -d $STAGING ]]; then rm -rf "$STAGING"; fi
  if ((status != 0)) && [[ -n $STEP ]]; then
    printf 'install.sh stopped during "%s"%s\n' "$STEP" "${LOG:+; the whole story is in $LOG}" >&2
  fi
}

main() {
  ARGS="$*"
  parse_args "$@"
  trap cleanup EXIT
  preflight
  choose_target
  open_log
  step "Install directory $DIR"
  lock_target
  if ((EXISTING)); then
    info "existing install found in $DIR ($( ((UPGRADE)) && echo upgrade || echo 're-run: config and data are kept'))"
    if ((SKIP_SYSTEMD)) && [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null \
      && { systemctl is-active --quiet "$NAME.service" 2>/dev/null || systemctl --user is-active --quiet "$NAME.service" 2>/dev/null; }; then
      die "the systemd unit $NAME runs this install: run without -s (or stop the unit first)"
    fi
  fi
  if ((!EXISTING && !YES)) && [[ -t 0 ]]; then
    ((PORT_GIVEN)) || { PORT=$(ask "Port?" "$DEFAULT_PORT"); PORT_GIVEN=1; }
    ((TLS_GIVEN)) || { yes_no "Serve HTTPS with a self-signed certificate?" "n" && TLS=1 TLS_GIVEN=1; } || true
    yes_no "Install bacula-mock to $DIR (port $PORT, TLS $( ((TLS)) && echo on || echo off))?" "y" || die "cancelled"
  fi

  stage_release
  write_config
  # The port must be free for a new install (an upgrade's own server is stopped below).
  if ((!EXISTING)) && (exec 3<>"/dev/tcp/127.0.0.1/$CFG_PORT") 2>/dev/null; then
    die "port $CFG_PORT is already in use on this machine (another bacula-mock? see: lsof -i :$CFG_PORT); choose another with -p"
  fi

  step "Installing into $DIR"
  if ((EXISTING)); then
    stop_server
    if ((UPGRADE)); then backup_preserved; fi
  fi
  swap_in || { warn "could not move the new release into place"; roll_back; }
  info "release $VERSION in place"
  link_cli
  install_unit
  set_ownership

  step "Starting and checking the server"
  if ! { start_server && health_check; }; then
    if ((EXISTING)); then roll_back; fi
    die "the server does not answer; the install is in $DIR (see $LOG)"
  fi
  write_install_info
  if [[ -n $OLD_RELEASE && -d $OLD_RELEASE ]]; then
    if ((UPGRADE)); then mv "$OLD_RELEASE" "$BACKUP/release"; info "previous release kept in $BACKUP/release"
    else rm -rf "$OLD_RELEASE"; fi
  fi

  step "Done"
  info "bacula-mock $VERSION in $DIR, $(health_url | sed 's|/mock/health$||')"
  info "command: $NAME (e.g. '$NAME health', '$NAME init 100 0.25', '$NAME smoke-test')"
  if ((HAVE_SYSTEMD)); then info "service: $(sctl_text) status|restart|stop $NAME"
  else info "service: none (systemd $( ((SKIP_SYSTEMD)) && echo 'skipped with -s' || echo 'not running here')); the server runs in the background (pid $(cat "$DIR/bacula-mock.pid" 2>/dev/null))"
  fi
  info "log: $DIR/logs, installer log: $LOG"
}

# Sourced (by a test, for render_unit), nothing runs.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
