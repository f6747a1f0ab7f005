# relay_certs.sh: what relay's TLS tests share.  Source after tap.sh and
# httpd.sh.  Sets C (test certificates, made by tests/lib/certs.sh), R
# (the relay's directory) and RELAY_PID; relay_stop stops the relay, and
# at exit it, httpd and both directories go.
. tests/lib/certs.sh

C=$(mktemp -d /tmp/relay-certs.XXXXXX)
R=$(mktemp -d /tmp/relay-tls.XXXXXX)
RELAY_PID=
relay_stop() {
	[ -n "$RELAY_PID" ] && kill -TERM "$RELAY_PID" 2>/dev/null &&
	    wait "$RELAY_PID" 2>/dev/null
	RELAY_PID=
}
trap 'relay_stop; cleanup; rm -rf "$C" "$R"' EXIT
make_certs "$C"
