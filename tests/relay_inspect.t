#!/bin/sh
# relay and TLS inspection: with tls ca cert and tls ca key, a client
# that trusts the inspection CA gets, for the name it asked (SNI), a
# certificate with the host's subject and the relay's key, issued by that
# CA, and its requests reach the host through the relay; a client that
# does not trust the CA refuses it; a name the host cannot prove gets no
# certificate; a minted certificate is kept for the next client; and the
# CA's key is in the key process only.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
command -v curl >/dev/null || skip_all "no curl"
. tests/lib/httpd.sh
. tests/lib/relay_certs.sh
echo hello >"$T/htdocs/index.html"

# The host: httpd over TLS as b.test (RSA, issued by the test CA).
httpd_start "server \"b.test\" {
	listen on 127.0.0.1 tls port $PORT
	root \"/htdocs\"
	tls certificate \"$C/b.crt\"
	tls key \"$C/b.key\"
}"
P=$(free_port)
printf 'prefork 1\nlog connection\n%s\n' "table <origin> { 127.0.0.1 }
http protocol inspect {
	tls keypair a.test cert \"$C/a.crt\"
	tls keypair a.test key \"$C/a.key\"
	tls ca cert \"$C/ca2.crt\"
	tls ca key \"$C/ca2.key\" password \"unused\"
	tls ca file \"$C/ca.crt\"
}
relay inspect {
	listen on 127.0.0.1 port $P tls
	protocol inspect
	forward with tls to <origin> port $PORT
}" >"$R/relayd.conf"
mkfifo "$R/ready"
bin/relay -d -f "$R/relayd.conf" -s "$R/state" -r 3 3>"$R/ready" \
    2>>"$R/stderr" &
RELAY_PID=$!
read -r _ <"$R/ready" || { cat "$R/stderr" >&2; bail_out "relay did not start"; }

shown() {	# name: the certificate the relay shows for it, as text
	openssl s_client -connect "127.0.0.1:$P" -servername "$1" \
	    </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer \
	    -ext subjectAltName -fingerprint 2>/dev/null
}
cert=$(shown b.test)
like "$cert" 'subject=CN ?= ?b.test' "the host's subject"
like "$cert" 'issuer=CN ?= ?Second CA' "issued by the inspection CA"
like "$cert" 'DNS:b.test' "for the name the client asked"
is "$(curl -s --cacert "$C/ca2.crt" --resolve "b.test:$P:127.0.0.1" \
    "https://b.test:$P/")" hello \
    "a client trusting the inspection CA reaches the host through the relay"
curl -s --cacert "$C/ca.crt" --resolve "b.test:$P:127.0.0.1" \
    "https://b.test:$P/" >/dev/null
is "$?" 60 "a client that does not trust the inspection CA refuses it"
pub_relay=$(openssl x509 -in "$C/a.crt" -noout -pubkey)
pub_shown=$(openssl s_client -connect "127.0.0.1:$P" -servername b.test \
    </dev/null 2>/dev/null | openssl x509 -noout -pubkey)
is "$pub_shown" "$pub_relay" "the certificate carries the relay's key"
is "$(shown b.test | grep -i fingerprint)" \
    "$(printf '%s\n' "$cert" | grep -i fingerprint)" \
    "the next client gets the same certificate (kept, not minted again)"
openssl s_client -connect "127.0.0.1:$P" -servername c.test \
    -CAfile "$C/ca2.crt" -verify_return_error </dev/null >/dev/null 2>&1
isnt "$?" 0 "a name the host cannot prove (c.test) gets no certificate"
sleep 0.2
like "$(grep '^relay inspect,' "$R/stderr")" 'TLS inspection: handshake with the host failed' \
    "... and the log says why"
is "$(curl -s --cacert "$C/ca2.crt" --resolve "b.test:$P:127.0.0.1" \
    "https://b.test:$P/")" hello "the relay still serves"

# The CA's key is in the key process only.
KEYHEX=$(openssl ec -in "$C/ca2.key" -text -noout 2>/dev/null |
    sed -n '/priv:/,/pub:/p' | grep -v 'priv:\|pub:' | tr -d ' :\n')
[ ${#KEYHEX} -eq 64 ] || bail_out "cannot read the CA's private scalar"
n=0
for pid in $(pgrep -P "$RELAY_PID"); do
	perl tests/lib/memscan.pl "$pid" "$KEYHEX" >/dev/null && n=$((n + 1))
done
is "$n" 1 "one child holds the CA key: the key process"
perl tests/lib/memscan.pl "$RELAY_PID" "$KEYHEX" >/dev/null
isnt "$?" 0 "the parent wiped it"

# Inspection needs TLS on both sides.
printf '%s\n' "http protocol p {
	tls keypair a.test cert \"$C/a.crt\"
	tls keypair a.test key \"$C/a.key\"
	tls ca cert \"$C/ca2.crt\"
	tls ca key \"$C/ca2.key\" password \"x\"
}
relay half {
	listen on 127.0.0.1 port $(free_port) tls
	protocol p
	forward to 127.0.0.1 port $PORT
}" >"$R/half.conf"
out=$(bin/relay -d -f "$R/half.conf" -s "$R/state2" 2>&1)
like "$out" 'relay half: TLS inspection \(tls ca cert, tls ca key\) needs listen ... tls and forward with tls' \
    "inspection without forward with tls is refused at start"
done_testing
