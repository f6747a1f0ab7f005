# httpd.sh: start a real httpd for a test, in a chroot of its own under a
# temporary directory, on a free port of 127.0.0.1, and stop it at exit.
# Source after tap.sh.  Sets: T (the chroot), PORT, URL.
#   httpd_start CONFIG-BODY   the servers; "chroot" and "prefork" are added
#   raw                       send stdin as is, print the answer
#   status_of TEXT            the status code of the first response line

T=$(mktemp -d /tmp/httpd-test.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/htdocs" "$T/logs"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
HTTPD_PID=

httpd_stop() {
	if [ -n "$HTTPD_PID" ]; then
		kill -TERM "$HTTPD_PID" 2>/dev/null
		wait "$HTTPD_PID" 2>/dev/null
		HTTPD_PID=
	fi
}

cleanup() {
	httpd_stop
	rm -rf "$T"
}
trap cleanup EXIT

httpd_start() {
	{
		echo "chroot \"$T\""
		echo "prefork ${PREFORK:-2}"
		printf '%s\n' "$1"
	} >"$T/httpd.conf"
	rm -f "$T/ready"
	mkfifo "$T/ready"
	# shellcheck disable=SC2086
	bin/httpd -f "$T/httpd.conf" -r 3 ${HTTPD_ARGS:-} 3>"$T/ready" \
	    2>>"$T/stderr" &
	HTTPD_PID=$!
	if ! read -r _ <"$T/ready"; then
		cat "$T/stderr" >&2
		bail_out "httpd did not start"
	fi
}

raw() {
	perl tests/lib/raw.pl "$PORT"
}

status_of() {
	printf '%s\n' "$1" | head -n 1 | awk '{ print $2 }'
}
