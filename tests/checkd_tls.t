#!/bin/sh
# checkd's TLS checks against openssl s_server: tls, https code and
# digest, send/expect over tls; a certificate the client cannot use and a
# plain-text peer behind a TLS check give clear reasons.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
command -v openssl >/dev/null || skip_all "no openssl"
. tests/lib/checkd.sh

# A self-signed, expired certificate: checks do not verify, like relayd's.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 -subj /CN=old.test \
    -not_after 20200101000000Z >/dev/null 2>&1 ||
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 -subj /CN=old.test \
    >/dev/null 2>&1 || bail_out "openssl req failed"
# Ed25519: a key BearSSL's client cannot use for TLS 1.2.
openssl req -x509 -newkey ed25519 -nodes -keyout "$T/ed.key" \
    -out "$T/ed.pem" -days 1 -subj /CN=ed.test >/dev/null 2>&1 ||
    bail_out "openssl ed25519 failed"
printf 'hello' >"$T/index.html"
printf '220 tls.test ready\r\n' >"$T/banner"

s_server() {	# port cert key [extra]: stdin goes to the client
	(cd "$T" && exec openssl s_server -accept "127.0.0.1:$1" -cert "$2" \
	    -key "$3" -quiet $4 <"$T/banner" >/dev/null 2>&1) &
	SERVER_PIDS="$SERVER_PIDS $!"
}
# s_server answers one connection at a time: one server per check.
P_TLS=$(free_port); s_server "$P_TLS" cert.pem key.pem -WWW
P_CODE=$(free_port); s_server "$P_CODE" cert.pem key.pem -WWW
P_DIG=$(free_port); s_server "$P_DIG" cert.pem key.pem -WWW
P_EXP=$(free_port); s_server "$P_EXP" cert.pem key.pem
P_ED=$(free_port)
s_server "$P_ED" ed.pem ed.key -WWW
server garbage; P_PLAIN=$SPORT
sleep 1

sha1=$(printf hello | sha1sum | cut -d' ' -f1)
relay() {
	printf 'relay "%s" {\n\tlisten on 127.0.0.1 port %s\n' "$1" \
	    $((41000 + ${1#r}))
	printf '\tforward to <%s> port %s %s\n}\n' "$2" "$3" "$4"
}
tables=""
for t in hs https_code https_digest tls_expect badkey plainpeer; do
	tables="$tables
table <$t> { 127.0.0.1 }"
done
checkd_start "interval 2
timeout 1500
$tables
$(relay r1 hs "$P_TLS" "check tls")
$(relay r2 https_code "$P_CODE" 'check https "/index.html" code 200')
$(relay r3 https_digest "$P_DIG" "check https \"/index.html\" digest $sha1")
$(relay r4 tls_expect "$P_EXP" 'check send nothing expect "220 *" tls')
$(relay r5 badkey "$P_ED" "check tls")
$(relay r6 plainpeer "$P_PLAIN" "check tls")"

expect() {
	is "$(field "$1" 127.0.0.1 3) $(reason "$1" 127.0.0.1)" "$2 $3" \
	    "table $1: $2, $3"
}
expect hs up "tls connect ok"
# s_server -WWW answers GET only: relayd's HEAD for a code check waits.
expect https_code down "tls read timeout"
expect https_digest up "http digest ok"
expect tls_expect up "send/expect ok"
expect badkey down "tls connect error"
expect plainpeer down "tls connect error"
cpid=$(checker_pid | head -n 1)
rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$cpid/status)
ok $([ "$rss" -lt 30000 ]; echo $?) "checker RSS bounded: $rss kB"
checkd_stop
is "$CHECKD_STATUS" 0 "SIGTERM: exit 0"
done_testing
