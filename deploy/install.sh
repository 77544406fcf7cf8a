#!/bin/bash
# pztraining hosted for an organisation, on a fresh Debian 12/13 or Ubuntu 24.04 VM: JupyterHub
# (trainers log in), the room service in copies (phones join without a login), PostgreSQL and
# nginx with a Let's Encrypt certificate. Run it as root with the public name as its one argument,
# next to the wheel (pztraining-*.whl):
#
#     sudo ./install.sh training.example.nl
#
# Run it again at any time (after an update of the wheel, or to repair): every step checks what
# is already there, so nothing is done twice and nothing of the users' data is touched.
# `pztraining hub --install-script` prints this script; tests/hub/test_install_script.py runs it (without systemd).
#
# Settings (environment; the defaults are the README's):
#   PZ_WHEEL          the wheel to install (default: the newest pztraining-*.whl in this folder or
#                     the current one; none there: pztraining[hub] from the package index)
#   PZ_ADMIN          the hub's administrator (default beheer; coordinator role, no organisation)
#   PZ_ROOM_COPIES    room copies (default 2: one per core is plenty)
#   PZ_EMAIL          your address for Let's Encrypt (expiry notices; default: none)
#   PZ_CERT, PZ_CERT_KEY   use this certificate instead of asking Let's Encrypt
#   PZ_USER, PZ_HOME  the service's user and its folder (default pztraining, /srv/pztraining)
#   PZ_PGHOST, PZ_PGPORT, PZ_PGSUPERUSER   another PostgreSQL server (default: this machine's,
#                     over its socket with peer login, administered as postgres)
#   PZ_TRAINER_ROLE, PZ_ROOM_ROLE   the servers' login roles (default PZ_USER_trainers, bound to
#                     one organisation, and PZ_USER_room, every organisation; their passwords
#                     are made here and kept in PZ_HOME/database.env, readable by PZ_USER only)
#   PZ_HUB_PORT, PZ_ROOM_PORT, PZ_HTTP_PORT, PZ_HTTPS_PORT   ports (8000, 8870, 80, 443)
#   PZ_NGINX_DIR      nginx's folder (default /etc/nginx); PZ_NGINX_CONF its main file
#   PZ_NO_SYSTEMD=1   start the hub and nginx as plain processes (automatic without systemd)
#   PZ_HUB_OPTIONS    extra options for jupyterhub (e.g. its internal ports)
set -euo pipefail

NAME="${1:-}"
if [ -z "$NAME" ] || [ "$#" -ne 1 ] || [[ "$NAME" == -* ]]; then
    echo "Gebruik: $0 PUBLIEKE-NAAM   (bijv. $0 training.example.nl)" >&2
    exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "Start dit script als root (sudo $0 $NAME)." >&2
    exit 1
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PZ_USER="${PZ_USER:-pztraining}"
PZ_HOME="${PZ_HOME:-/srv/pztraining}"
PZ_ADMIN="${PZ_ADMIN:-beheer}"
PZ_ROOM_COPIES="${PZ_ROOM_COPIES:-2}"
PZ_HUB_PORT="${PZ_HUB_PORT:-8000}"
PZ_ROOM_PORT="${PZ_ROOM_PORT:-8870}"
PZ_HTTP_PORT="${PZ_HTTP_PORT:-80}"
PZ_HTTPS_PORT="${PZ_HTTPS_PORT:-443}"
PZ_PGHOST="${PZ_PGHOST:-}"
PZ_PGPORT="${PZ_PGPORT:-5432}"
PZ_PGSUPERUSER="${PZ_PGSUPERUSER:-postgres}"
PZ_NGINX_DIR="${PZ_NGINX_DIR:-/etc/nginx}"
PZ_NGINX_CONF="${PZ_NGINX_CONF:-$PZ_NGINX_DIR/nginx.conf}"
PZ_ACME_DIR="${PZ_ACME_DIR:-/var/www/letsencrypt}"
PZ_HUB_OPTIONS="${PZ_HUB_OPTIONS:-}"
if [ "${PZ_NO_SYSTEMD:-}" != 1 ] && [ ! -d /run/systemd/system ]; then
    PZ_NO_SYSTEMD=1  # a container or a chroot: no service manager to hand the hub to
fi
VENV="$PZ_HOME/venv"
HUB="$PZ_HOME/hub"
STATIC="$PZ_HOME/static"
DATABASE=pztraining
PZ_TRAINER_ROLE="${PZ_TRAINER_ROLE:-${PZ_USER}_trainers}"
PZ_ROOM_ROLE="${PZ_ROOM_ROLE:-${PZ_USER}_room}"
ROLES_FILE="$PZ_HOME/database.env"
if [ "$PZ_HTTPS_PORT" = 443 ]; then PUBLIC_URL="https://$NAME"; else PUBLIC_URL="https://$NAME:$PZ_HTTPS_PORT"; fi
if [ -n "$PZ_PGHOST" ]; then
    DB="postgresql+psycopg://$PZ_USER@$PZ_PGHOST:$PZ_PGPORT/$DATABASE"
else
    DB="postgresql+psycopg://$PZ_USER@/$DATABASE"  # the local socket, peer login: no password
fi
# The owner's URL above migrates; the servers' roles log in with a password over TCP (peer login
# cannot tell two roles of one system user apart): 127.0.0.1 with scram-sha-256, Debian's default.
SERVERS_AT="${PZ_PGHOST:-127.0.0.1}:$PZ_PGPORT/$DATABASE"
if [ -n "$PZ_PGHOST" ]; then
    SUPERUSER_DB="postgresql+psycopg://$PZ_PGSUPERUSER@$PZ_PGHOST:$PZ_PGPORT/$DATABASE"
else
    SUPERUSER_DB="postgresql+psycopg://$PZ_PGSUPERUSER@/$DATABASE"
fi
step() { echo "== $*"; }
as_user() { runuser -u "$PZ_USER" -- env HOME="$PZ_HOME" PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" "$@"; }
as_postgres() { runuser -u postgres -- "$@" ${PZ_PGHOST:+-h "$PZ_PGHOST"} -p "$PZ_PGPORT" -U "$PZ_PGSUPERUSER"; }
# The venv's pztraining as PostgreSQL's superuser (`db grant` makes the group roles and grants them).
as_superuser() { (cd / && runuser -u postgres -- env -u PZTRAINING_ORGANISATION "$VENV/bin/pztraining" "$@" --db "$SUPERUSER_DB"); }
# The password in the servers' file for role $1, or a new one (hex: nothing to quote in a URL).
role_password() {
    local kept
    kept="$(sed -n "s|^PZTRAINING_[A-Z]*_DB=postgresql+psycopg://$1:\([0-9a-f]\{48\}\)@.*|\1|p" "$ROLES_FILE" 2>/dev/null | head -n 1 || true)"
    if [ -n "$kept" ]; then echo "$kept"; else od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; fi
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

step "1. Pakketten: Python, PostgreSQL, nginx (en Node, certbot waar nodig)"
packages=(python3 python3-venv nginx)
[ -n "$PZ_PGHOST" ] || packages+=(postgresql)
command -v configurable-http-proxy >/dev/null || packages+=(npm)
[ -n "${PZ_CERT:-}" ] || packages+=(certbot)
missing=()
for package in "${packages[@]}"; do installed "$package" || missing+=("$package"); done
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
command -v configurable-http-proxy >/dev/null || npm install -g --silent configurable-http-proxy

step "2. Gebruiker $PZ_USER en database $DATABASE"
id -u "$PZ_USER" >/dev/null 2>&1 || useradd --system --create-home --home-dir "$PZ_HOME" --shell /usr/sbin/nologin "$PZ_USER"
mkdir -p "$PZ_HOME"
chown "$PZ_USER:" "$PZ_HOME"
chmod 0711 "$PZ_HOME"  # nginx may reach static/ inside, nobody may list the folder
if [ -z "$PZ_PGHOST" ] && [ -d /run/systemd/system ]; then systemctl enable --now postgresql >/dev/null; fi
as_postgres psql -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PZ_USER'" | grep -q 1 ||
    as_postgres createuser "$PZ_USER"
as_postgres psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1 ||
    as_postgres createdb --owner "$PZ_USER" "$DATABASE"
step "2b. De inlogrollen van de servers: $PZ_TRAINER_ROLE (één organisatie) en $PZ_ROOM_ROLE (alle)"
trainer_password="$(role_password "$PZ_TRAINER_ROLE")"
room_password="$(role_password "$PZ_ROOM_ROLE")"
for role in "$PZ_TRAINER_ROLE" "$PZ_ROOM_ROLE"; do
    as_postgres psql -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'" | grep -q 1 ||
        as_postgres psql -d postgres -q -c "CREATE ROLE \"$role\" LOGIN"
done
# The passwords go to psql on its input (printf is bash's own): never in a command line, the
# terminal or a log. Set every run, so a lost or changed password is repaired.
{
    printf "ALTER ROLE \"%s\" LOGIN PASSWORD '%s';\n" "$PZ_TRAINER_ROLE" "$trainer_password"
    printf "ALTER ROLE \"%s\" LOGIN PASSWORD '%s';\n" "$PZ_ROOM_ROLE" "$room_password"
} | as_postgres psql -d postgres -q -v ON_ERROR_STOP=1 >/dev/null
(
    umask 077
    {
        printf "PZTRAINING_ROOM_DB=postgresql+psycopg://%s:%s@%s\n" "$PZ_ROOM_ROLE" "$room_password" "$SERVERS_AT"
        printf "PZTRAINING_TRAINER_DB=postgresql+psycopg://%s:%s@%s\n" "$PZ_TRAINER_ROLE" "$trainer_password" "$SERVERS_AT"
    } > "$ROLES_FILE.new"
)
chown "$PZ_USER:" "$ROLES_FILE.new"
mv "$ROLES_FILE.new" "$ROLES_FILE"
unset trainer_password room_password

step "3. pztraining met JupyterHub in $VENV"
wheel="${PZ_WHEEL:-}"
if [ -z "$wheel" ]; then
    # The newest wheel by version (sort -V), expanded here: pip itself does not expand a '*'.
    wheel="$(ls -1 "$HERE"/pztraining-*.whl ./pztraining-*.whl 2>/dev/null | sort -V | tail -n 1 || true)"
fi
new_venv=""
[ -x "$VENV/bin/python" ] || { as_user python3 -m venv "$VENV" && new_venv=1; }
if [ -n "$wheel" ]; then
    mkdir -p "$PZ_HOME/dist"
    cp "$wheel" "$PZ_HOME/dist/"
    chown -R "$PZ_USER:" "$PZ_HOME/dist"
    local_wheel="$PZ_HOME/dist/$(basename "$wheel")"
    # Every run: a dependency of the hub missing or removed from the venv is installed again.
    as_user pip install --quiet --disable-pip-version-check "$local_wheel[hub]"
    # The same version number built again (a fix without a new number): pip keeps the old
    # files unless told; reinstall only pztraining itself, only when the wheel changed (a new
    # venv has just got this one).
    digest="$(sha256sum "$local_wheel" | cut -d' ' -f1)"
    if [ "$(cat "$VENV/.pztraining-wheel" 2>/dev/null || true)" != "$digest" ]; then
        [ -n "$new_venv" ] ||
            as_user pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$local_wheel"
        echo "$digest" > "$VENV/.pztraining-wheel"
    fi
else
    as_user pip install --quiet --disable-pip-version-check --upgrade "pztraining[hub]"
fi

step "4. De tabellen (als eigenaar $PZ_USER), de rechten van de twee rollen en de beheerder $PZ_ADMIN"
as_user pztraining db migrate --db "$DB"
as_superuser db grant "$PZ_TRAINER_ROLE"
as_superuser db grant "$PZ_ROOM_ROLE" --every-organisation
as_user pztraining users add "$PZ_ADMIN" --role coordinator --db "$DB"

step "5. De configuratie van de hub en de telefoonpagina voor nginx"
mkdir -p "$HUB"
chown "$PZ_USER:" "$HUB"
as_user pztraining hub --config --db "$DB" --public-url "$PUBLIC_URL" --port "$PZ_HUB_PORT" \
    --room-port "$PZ_ROOM_PORT" --room-copies "$PZ_ROOM_COPIES" --admin "$PZ_ADMIN" --state-dir "$HUB" \
    > "$HUB/jupyterhub_config.py.new"
mv "$HUB/jupyterhub_config.py.new" "$HUB/jupyterhub_config.py"
as_user pztraining hub --write-static "$STATIC"

step "6. De hub als dienst"
hub_command="$VENV/bin/jupyterhub -f $HUB/jupyterhub_config.py $PZ_HUB_OPTIONS"
if [ "${PZ_NO_SYSTEMD:-}" = 1 ]; then
    pidfile="$HUB/jupyterhub.pid"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        kill -TERM "$(cat "$pidfile")"
        for _ in $(seq 60); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.5; done
    fi
    (
        cd "$HUB"
        # The servers' URLs reach the hub through its environment (as systemd's EnvironmentFile=
        # does), not its command line: exported in this subshell only.
        set -a
        # shellcheck disable=SC1090
        . "$ROLES_FILE"
        set +a
        # setsid + setpriv exec the hub itself (no shell or su waiting in between): the pid is the hub's.
        # shellcheck disable=SC2086  # PZ_HUB_OPTIONS is a list of options
        setsid setpriv --reuid="$PZ_USER" --regid="$(id -g "$PZ_USER")" --init-groups \
            env HOME="$PZ_HOME" PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" $hub_command \
            >> "$HUB/jupyterhub.log" 2>&1 < /dev/null &
        echo $! > "$pidfile"
    )
else
    cat > /etc/systemd/system/pztraining-hub.service <<UNIT
[Unit]
Description=pztraining JupyterHub
After=network.target postgresql.service
[Service]
User=$PZ_USER
WorkingDirectory=$HUB
Environment=PATH=$VENV/bin:/usr/local/bin:/usr/bin:/bin
# PZTRAINING_ROOM_DB and PZTRAINING_TRAINER_DB: the servers' roles (README, "Organisations kept apart")
EnvironmentFile=$ROLES_FILE
ExecStart=$hub_command
Restart=on-failure
# SIGTERM to the hub only: it stops the room copies (which store the anonymous answers still
# waiting) and the trainers' servers itself; whatever is left after 30 s is killed.
KillMode=mixed
TimeoutStopSec=30
[Install]
WantedBy=multi-user.target
UNIT
    systemctl daemon-reload
    systemctl enable pztraining-hub >/dev/null
    systemctl restart pztraining-hub
fi
for _ in $(seq 360); do
    "$VENV/bin/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PZ_HUB_PORT/hub/api', timeout=2)" \
        2>/dev/null && break
    sleep 0.5
done

step "7. nginx met TLS voor $NAME"
nginx_site() {
    as_user pztraining hub --nginx --public-url "$PUBLIC_URL" --port "$PZ_HUB_PORT" --room-port "$PZ_ROOM_PORT" \
        --room-copies "$PZ_ROOM_COPIES" --static-dir "$STATIC" --acme-dir "$PZ_ACME_DIR" --http-port "$PZ_HTTP_PORT" \
        --nginx-version "$(nginx -v 2>&1)" ${PZ_CERT:+--certificate "$PZ_CERT" --certificate-key "$PZ_CERT_KEY"} \
        $([ -e /proc/net/if_inet6 ] || echo --no-ipv6) "$@" > "$PZ_NGINX_DIR/sites-available/pztraining"
    ln -sf "$PZ_NGINX_DIR/sites-available/pztraining" "$PZ_NGINX_DIR/sites-enabled/pztraining"
    nginx -c "$PZ_NGINX_CONF" -t -q
    if [ "${PZ_NO_SYSTEMD:-}" = 1 ]; then
        nginx -c "$PZ_NGINX_CONF" -s reload 2>/dev/null || nginx -c "$PZ_NGINX_CONF"
    else
        systemctl enable nginx >/dev/null
        systemctl reload-or-restart nginx
    fi
}
mkdir -p "$PZ_ACME_DIR"
rm -f "$PZ_NGINX_DIR/sites-enabled/default"  # Debian's welcome page would answer for every other name
certificate="${PZ_CERT:-/etc/letsencrypt/live/$NAME/fullchain.pem}"
if [ ! -f "$certificate" ]; then
    # certbot first, over plain HTTP (the TLS site needs the certificate it makes); renewals
    # use the same webroot and reload nginx.
    nginx_site --no-tls
    certbot certonly --webroot -w "$PZ_ACME_DIR" -d "$NAME" --non-interactive --agree-tos \
        ${PZ_EMAIL:+--email "$PZ_EMAIL"} $([ -n "${PZ_EMAIL:-}" ] || echo --register-unsafely-without-email) \
        --deploy-hook "nginx -s reload"
fi
nginx_site

echo "Klaar. Trainers openen $PUBLIC_URL/ ; telefoons $PUBLIC_URL/services/room/"
echo "Log binnen 24 uur in als $PZ_ADMIN en kies het wachtwoord. Trainers toevoegen:"
echo "  sudo -u $PZ_USER $VENV/bin/pztraining users add NAAM --role trainer --org ORGANISATIE --db $DB"
