#!/bin/sh
# httpd over TLS: HTTPS with curl and openssl s_client, SNI, session
# resumption (across workers, never across hosts), client certificates,
# HSTS, bad input on a TLS port, timeouts, and start-up errors.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh
. tests/lib/certs.sh

# The keys live outside the chroot, as on OpenBSD: the parent reads them.
C=$(mktemp -d /tmp/httpd-certs.XXXXXX)
trap 'cleanup; rm -rf "$C"' EXIT
make_certs "$C"
echo hello >"$T/htdocs/index.html"
head -c 10485760 /dev/urandom >"$T/htdocs/big.bin"

tls_conf() {	# extra lines for the a.test tls block
	cat <<EOF
server "a.test" {
	listen on 127.0.0.1 tls port $PORT
	alias "www.a.test"
	tls {
		certificate "$C/a.crt"
		key "$C/a.key"
		$1
	}
	hsts max-age 600
	log style combined
}
server "b.test" {
	listen on 127.0.0.1 tls port $PORT
	tls {
		certificate "$C/b.crt"
		key "$C/b.key"
		$1
	}
	log style combined
}
EOF
}

# s_client with the given options; prints what it says, request in $REQ.
sclient() {
	# shellcheck disable=SC2059
	printf "${REQ:-}" | timeout 10 openssl s_client \
	    -connect "127.0.0.1:$PORT" "$@" 2>&1
}
subject_of() {
	sclient "$@" </dev/null | sed -n 's/^subject=.*CN = //p'
}
curl_a() {	# curl to a.test, verifying against the test CA
	curl -s --cacert "$C/ca.crt" --resolve "a.test:$PORT:127.0.0.1" \
	    "$@"
}

PREFORK=2 httpd_start "$(tls_conf "")"

# --- HTTPS itself ---
is "$(curl_a "https://a.test:$PORT/")" hello "HTTPS GET, certificate verified"
is "$(curl_a -o /dev/null -w '%{http_code}' -r 0-3 "https://a.test:$PORT/")" \
    206 "a range over TLS"
is "$(curl_a "https://a.test:$PORT/big.bin" | md5sum)" \
    "$(md5sum <"$T/htdocs/big.bin" | cut -c1-32)  -" \
    "10 MiB over TLS arrive intact"
like "$(curl_a -sI "https://a.test:$PORT/")" \
    "Strict-Transport-Security: max-age=600" "hsts on a TLS server"
is "$(curl_a -sI "https://a.test:$PORT/" | grep -c Strict)" 1 \
    "... exactly once"
like "$(sclient -servername a.test </dev/null)" \
    "Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" \
    "default suite: ECDHE with AES-128-GCM"
like "$(sclient -servername a.test </dev/null)" "Protocol *: TLSv1.2" \
    "TLS 1.2"
out=$(REQ='GET / HTTP/1.0\r\n\r\n' sclient -servername a.test -ign_eof \
    -cipher ECDHE-ECDSA-CHACHA20-POLY1305)
like "$out" "Cipher is ECDHE-ECDSA-CHACHA20-POLY1305" "ChaCha20-Poly1305 offered"
like "$out" "hello" "... and it carries the response"
out=$(REQ='GET / HTTP/1.0\r\n\r\n' sclient -servername b.test -ign_eof \
    -cipher ECDHE-RSA-AES256-GCM-SHA384)
like "$out" "hello" "AES-256-GCM with an RSA key carries the response"

# --- SNI ---
is "$(subject_of -servername a.test)" a.test "SNI a.test: a.test's certificate"
is "$(subject_of -servername b.test)" b.test "SNI b.test: b.test's certificate"
is "$(subject_of -servername www.a.test)" a.test "SNI of an alias: its server's"
is "$(subject_of -noservername)" a.test "no SNI: the default server's"
is "$(subject_of -servername unknown.test)" a.test \
    "unknown SNI: the default server's"
like "$(sclient -servername b.test </dev/null)" "ECDHE-RSA-AES128-GCM-SHA256" \
    "an RSA certificate gets an ECDHE-RSA suite"

# --- resumption ---
S=$T/session.pem
sclient -servername a.test -sess_out "$S" </dev/null >/dev/null
reused=0
for i in 1 2 3 4 5 6 7 8; do
	case $(sclient -servername a.test -sess_in "$S" </dev/null) in
	*Reused,*) reused=$((reused + 1)) ;;
	esac
done
is "$reused" 8 "a session resumes, whichever of the two workers accepts"
out=$(sclient -servername b.test -sess_in "$S" </dev/null)
like "$out" "New, TLSv1.2" "a.test's session is not resumed for b.test"
like "$out" "subject=CN = b.test" "... which shows its own certificate"
sclient -servername b.test -sess_out "$S" </dev/null >/dev/null
like "$(sclient -noservername -sess_in "$S" </dev/null)" "New, TLSv1.2" \
    "b.test's session is not resumed without SNI (the default is a.test)"

# A ClientHello that arrives in pieces: its name is still read, so the
# session resumes for its own host and not for another.
trickle() {	# sclient options, through a relay that splits the hello
	tp=$(free_port)
	perl tests/lib/trickle.pl "$tp" "$PORT" >"$T/trickle.out" &
	tpid=$!
	i=0
	while ! grep -q ready "$T/trickle.out" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf '' | timeout 10 openssl s_client -connect "127.0.0.1:$tp" \
	    "$@" 2>&1
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
}
sclient -servername a.test -sess_out "$S" </dev/null >/dev/null
like "$(trickle -servername a.test -sess_in "$S")" "Reused," \
    "a ClientHello in 40-byte pieces: the session resumes"
out=$(trickle -servername b.test -sess_in "$S")
like "$out" "New, TLSv1.2" "... and is refused for another host"
like "$out" "subject=CN = b.test" "... which shows its own certificate"

# --- plain text and broken handshakes on the TLS port ---
out=$(printf 'GET / HTTP/1.0\r\n\r\n' | raw | od -An -c | tr -d ' \n')
is "$out" "" "plain HTTP to the TLS port: no answer, connection closed"
out=$(printf '\026\003\001\002\000\001\000\001\374\003\003' | raw | wc -c)
is "$out" 0 "a truncated ClientHello: closed without an answer"
out=$(head -c 3000 /dev/urandom | raw | wc -c)
ok "$([ "$out" -lt 100 ] && echo 0 || echo 1)" \
    "3000 random bytes: at most an alert back ($out bytes)"
like "$(sclient -tls1_3 -servername a.test </dev/null)" \
    "alert protocol version|alert handshake failure" \
    "a TLS 1.3-only client: refused with an alert"
like "$(sclient -tls1_1 -servername a.test </dev/null)" \
    "alert protocol version|alert handshake failure|wrong version number" \
    "TLS 1.1 is off by default"
is "$(curl_a "https://a.test:$PORT/")" hello "still serving after all that"

# A client that stops mid-handshake holds nobody up.
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new("127.0.0.1:$ARGV[0]") or die;
	syswrite($s, "\026\003\001\002\000\001\000");
	sleep 8;' "$PORT" &
stall=$!
sleep 0.3
is "$(curl_a --max-time 3 "https://a.test:$PORT/")" hello \
    "a stalled handshake: others are served meanwhile"
kill "$stall" 2>/dev/null
wait "$stall" 2>/dev/null
httpd_stop

# The handshake counts against the request timeout.
httpd_start "$(tls_conf "")
server \"t\" {
	listen on 127.0.0.1 tls port $((PORT + 1))
	tls { certificate \"$C/a.crt\"
	key \"$C/a.key\" }
	connection request timeout 1
}"
start=$(date +%s)
out=$(printf '\026\003\001' | perl tests/lib/raw.pl $((PORT + 1)) | wc -c)
took=$(( $(date +%s) - start ))
is "$out" 0 "stalled handshake: closed without an answer"
ok "$([ "$took" -le 4 ] && echo 0 || echo 1)" \
    "... by the request timeout (1 s), not the 2 s client wait ($took s)"
httpd_stop

# --- client certificates ---
httpd_start "$(tls_conf "client ca \"$C/ca.crt\"")"
REQ='GET / HTTP/1.0\r\nHost: a.test\r\n\r\n'
is "$(curl_a -o /dev/null -w '%{http_code}' "https://a.test:$PORT/")" 000 \
    "client ca: no certificate, no handshake"
is "$(curl_a --cert "$C/client.crt" --key "$C/client.key" \
    "https://a.test:$PORT/")" hello "client ca: a certificate the CA signed"
is "$(curl_a --cert "$C/rogue.crt" --key "$C/rogue.key" -o /dev/null \
    -w '%{http_code}' "https://a.test:$PORT/")" 000 \
    "client ca: a self-signed certificate is rejected"
sleep 1.2
like "$(cat "$T/logs/access.log")" \
    'a.test 127.0.0.1 - /C=DE/O=Example/CN=client one \[' \
    "the certificate's subject is the remote user in the log"
# A resumed session keeps the identity it was made with.
: >"$T/logs/access.log"
sclient -servername a.test -cert "$C/client.crt" -key "$C/client.key" \
    -sess_out "$S" -quiet >/dev/null
out=$(sclient -servername a.test -sess_in "$S" -ign_eof)
like "$out" "Reused," "resumed without sending the certificate again"
like "$out" "hello" "... and served"
sleep 1.2
is "$(grep -c 'CN=client one' "$T/logs/access.log")" 2 \
    "... as the client the session was made for"
httpd_stop

httpd_start "$(tls_conf "client ca \"$C/ca.crt\" optional")"
is "$(curl_a "https://a.test:$PORT/")" hello \
    "client ca optional: no certificate is fine"
is "$(curl_a --cert "$C/client.crt" --key "$C/client.key" \
    "https://a.test:$PORT/")" hello "client ca optional: a good certificate"
is "$(curl_a --cert "$C/rogue.crt" --key "$C/rogue.key" -o /dev/null \
    -w '%{http_code}' "https://a.test:$PORT/")" 000 \
    "client ca optional: a bad certificate is still rejected"
httpd_stop

# --- client certificates: each server its own authorities ---
# a.test trusts ca.crt, b.test ca2.crt, on one address and port.
two_cas() {
	cat <<EOF
server "a.test" {
	listen on 127.0.0.1 tls port $PORT
	tls {
		certificate "$C/a.crt"
		key "$C/a.key"
		client ca "$C/ca.crt"
	}
}
server "b.test" {
	listen on 127.0.0.1 tls port $PORT
	tls {
		certificate "$C/b.crt"
		key "$C/b.key"
		client ca "$C/ca2.crt"
	}
}
EOF
}
curl_b() {	# curl to b.test, verifying against the test CA
	curl -s --cacert "$C/ca.crt" --resolve "b.test:$PORT:127.0.0.1" \
	    "$@"
}
code() {	# the status curl got, 000 if the handshake failed
	"$@" -o /dev/null -w '%{http_code}'
}
A_CERT="--cert $C/client.crt --key $C/client.key"
B_CERT="--cert $C/client2.crt --key $C/client2.key"
# shellcheck disable=SC2086
{
httpd_start "$(two_cas)"
is "$(code curl_b $A_CERT "https://b.test:$PORT/")" 000 \
    "two client CAs: a.test's client is refused by b.test"
is "$(code curl_a $A_CERT "https://a.test:$PORT/")" 200 \
    "... and accepted by a.test"
is "$(code curl_b $B_CERT "https://b.test:$PORT/")" 200 \
    "... b.test accepts a client of its own CA"
is "$(code curl_a $B_CERT "https://a.test:$PORT/")" 000 \
    "... which a.test refuses"
is "$(code curl_a $A_CERT -H 'Host: b.test' "https://a.test:$PORT/")" \
    421 "SNI a.test, Host b.test, client certificates: 421"
is "$(code curl_b $B_CERT -H 'Host: a.test' "https://b.test:$PORT/")" \
    421 "SNI b.test, Host a.test: 421"
is "$(code curl -sk $A_CERT -H 'Host: b.test' "https://127.0.0.1:$PORT/")" \
    421 "no SNI (the default, a.test), Host b.test: 421"
is "$(code curl_b $B_CERT "https://b.test:$PORT/")" 200 \
    "still serving b.test after that"
out=$(REQ='GET / HTTP/1.0\r\n\r\n' sclient -servername b.test -ign_eof \
    -cert "$C/client2.crt" -key "$C/client2.key")
like "$out" "HTTP/1.1 200 OK" \
    "no Host (HTTP/1.0): the server SNI chose, not 421"
}
httpd_stop
{
	echo "chroot \"$T\""
	two_cas
} >"$T/two.conf"
out=$(bin/httpd -n -f "$T/two.conf" 2>&1)
like "$out" "warning: server \"b.test\" shares its tls address and port with server \"a.test\" and client certificates: a client that sends no SNI name is checked against the default server's client ca, and a request whose Host is not the SNI name's server gets 421" \
    "-n warns about what two servers with client CAs still share"
like "$out" "configuration OK" "... and the configuration is good"

# --- key formats and chains ---
httpd_start "server \"b.test\" {
	listen on 127.0.0.1 tls port $PORT
	tls { certificate \"$C/b.crt\"
	key \"$C/b-pkcs1.key\" }
}
server \"c.test\" {
	listen on 127.0.0.1 tls port $PORT
	tls { certificate \"$C/c.crt\"
	key \"$C/c.key\" }
}"
is "$(curl -s --cacert "$C/ca.crt" --resolve "b.test:$PORT:127.0.0.1" \
    "https://b.test:$PORT/")" hello "an RSA key in PKCS#1 form"
out=$(sclient -servername c.test -CAfile "$C/ca.crt" -showcerts </dev/null)
is "$(printf '%s\n' "$out" | grep -c 'BEGIN CERTIFICATE')" 2 \
    "a full chain is sent: leaf and intermediate"
like "$out" "Verify return code: 0 \\(ok\\)" \
    "... and verifies up to the root"
httpd_stop

# --- reload keeps serving TLS ---
httpd_start "$(tls_conf "")"
kill -HUP "$HTTPD_PID"
sleep 1
is "$(curl_a "https://a.test:$PORT/")" hello "TLS after a reload"
httpd_stop

# --- start-up errors name the file ---
start_err() {	# the tls lines; prints httpd's complaint and exit status
	{
		printf '%s\n' "chroot \"$T\"" "server \"s\" {" \
		    "listen on 127.0.0.1 tls port $PORT" "tls {"
		printf '%s\n' "$@"
		printf '}\n}\n'
	} >"$T/bad.conf"
	bin/httpd -f "$T/bad.conf" 2>&1
	echo "exit $?"
}
out=$(start_err "certificate \"$C/none.crt\"" "key \"$C/a.key\"")
like "$out" "$C/none.crt: No such file or directory" "a missing certificate"
like "$out" "exit 1" "... stops httpd (exit 1)"
out=$(start_err "certificate \"$C/a.crt\"" "key \"$C/none.key\"")
like "$out" "$C/none.key: No such file or directory" "a missing key"
out=$(start_err "certificate \"$C/a.crt\"" "key \"$C/b.key\"")
like "$out" "$C/b.key does not match the certificate $C/a.crt" \
    "a key that is not the certificate's"
out=$(start_err "certificate \"$C/expired.crt\"" "key \"$C/a.key\"")
like "$out" "$C/expired.crt: certificate has expired or is not valid yet" \
    "an expired certificate"
out=$(start_err "certificate \"$C/a.key\"" "key \"$C/a.key\"")
like "$out" "$C/a.key: no certificate in it" "a key given as certificate"
out=$(start_err "certificate \"$C/a.crt\"" "key \"$C/a.key\"" \
    "client ca \"$C/none.pem\"")
like "$out" "tls client ca: $C/none.pem: No such file or directory" \
    "a missing client CA file"
done_testing
