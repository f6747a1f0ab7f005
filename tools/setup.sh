#!/bin/sh
# setup.sh: install, by Debian package name, what the build, `make run`
# and `make check` need -- only the packages that are missing.
# Run as root on Debian (CI does); elsewhere it prints the list and stops.
# As root it also creates the suite's system users (tools/users.sh).
set -eu

# build: compiler, libraries of DESIGN.md
pkgs="gcc make libc6-dev libcrypt-dev libbearssl-dev skalibs-dev libseccomp-dev libnftables-dev libmnl-dev"
# supervision, used by `make run` and the tests
pkgs="$pkgs s6 execline"
# tests: TAP harness, real clients and peers, analysers, fuzzer runtime
pkgs="$pkgs perl libio-socket-ssl-perl curl openssl testssl.sh php-fpm iproute2 nftables netbase"
pkgs="$pkgs mandoc cppcheck clang libclang-rt-14-dev"
# strace: fcgi_bridge.t checks which calls give the socket its owner and
# stops the bridge between bind and chown, httpd_newconn.t counts the
# calls of a new connection; procps: pgrep for leftovers
pkgs="$pkgs strace procps"
# keepalived: the VRRP daemon of the ha example; compose_ha.t runs two
# nodes of it in namespaces (DESIGN.md says why this one)
pkgs="$pkgs keepalived"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done 2>/dev/null || missing=$pkgs

if [ -z "$missing" ]; then
	echo "setup: all packages present"
	[ "$(id -u)" -ne 0 ] || sh "$(dirname "$0")/users.sh"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup: this is not a Debian system (no apt-get)." >&2
	echo "setup: install the equivalents of:$missing" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages:$missing" >&2
	echo "setup: run 'make setup' as root to install them" >&2
	exit 1
fi

echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
# the system users the programs run as (tools/users.sh says why)
sh "$(dirname "$0")/users.sh"
