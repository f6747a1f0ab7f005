#!/bin/sh
# users.sh: create the system users the suite runs as, when missing.
#   _relayd       checkd's checker (and relay's workers): owns nothing
#                 but tables/ and report/, which checkd gives it under
#                 the state dir.  checkd refuses nobody (checkd(8)).
#   _fcgi-bridge  fcgi-bridge and the CGI programs it runs: a user of its
#                 own, so a CGI program cannot signal or trace httpd's
#                 workers (which run as www-data).  Its home, the default
#                 chroot, is /var/www as slowcgi's is.
# Neither can log in; neither owns a home of its own.  Run as root;
# `make setup` and `make install` (without DESTDIR) call it.
set -eu

add_user() {	# name home
	if getent passwd "$1" >/dev/null 2>&1; then
		return 0
	fi
	if command -v useradd >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home \
		    --home-dir "$2" --shell /usr/sbin/nologin "$1"
	else
		echo "users: no useradd; create system user $1 (home $2)" >&2
		return 1
	fi
	echo "users: created system user $1"
}

if [ "$(id -u)" -ne 0 ]; then
	echo "users: not root; create the system users _relayd and" \
	    "_fcgi-bridge by hand" >&2
	exit 1
fi
add_user _relayd /nonexistent
add_user _fcgi-bridge /var/www
