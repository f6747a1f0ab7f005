#!/bin/sh
# relay and TLS: termination with SNI (ECDSA and RSA keypairs), TLS to a
# TLS backend with and without the CA, both at once, and the key
# process -- the only process that holds a key: the workers are
# chrooted, unprivileged, under seccomp, and their memory has no key.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
. tests/lib/httpd.sh
. tests/lib/relay_certs.sh
echo hello >"$T/htdocs/index.html"
head -c 2097152 /dev/urandom >"$T/htdocs/big.bin"

# The backend: httpd over TLS as b.test, and in the clear.
CLEAR=$(free_port)
httpd_start "server \"b.test\" {
	listen on 127.0.0.1 tls port $PORT
	listen on 127.0.0.1 port $CLEAR
	root \"/htdocs\"
	tls certificate \"$C/b.crt\"
	tls key \"$C/b.key\"
}"
BTLS=$PORT

relay_start() {	# config body
	relay_stop
	printf 'prefork 2\nlog connection\n%s\n' "$1" >"$R/relayd.conf"
	rm -f "$R/ready"
	mkfifo "$R/ready"
	bin/relay -d -f "$R/relayd.conf" -s "$R/state" -r 3 3>"$R/ready" \
	    2>>"$R/stderr" &
	RELAY_PID=$!
	if ! read -r _ <"$R/ready"; then
		cat "$R/stderr" >&2
		bail_out "relay did not start"
	fi
}

P1=$(free_port)
P2=$(free_port)
P3=$(free_port)
P4=$(free_port)
relay_start "table <clear> { 127.0.0.1 }
table <tlshost> { 127.0.0.1 }
http protocol front {
	tls keypair a.test cert \"$C/a.crt\"
	tls keypair a.test key \"$C/a.key\"
	tls keypair b.test cert \"$C/b.crt\"
	tls keypair b.test key \"$C/b.key\"
	tls ca file \"$C/ca.crt\"
}
http protocol back {
	tls ca file \"$C/ca.crt\"
}
http protocol clientorder {
	tls keypair a.test cert \"$C/a.crt\"
	tls keypair a.test key \"$C/a.key\"
	tls no cipher-server-preference
}
relay clientorder {
	listen on 127.0.0.1 port $P4 tls
	protocol clientorder
	forward to <clear> port $CLEAR
}
http protocol wrongca {
	tls ca file \"$C/ca2.crt\"
}
relay terminate {
	listen on 127.0.0.1 port $P1 tls
	protocol front
	forward to <clear> port $CLEAR
}
relay both {
	listen on 127.0.0.1 port $P2 tls
	protocol front
	forward with tls to <tlshost> port $BTLS
}
relay reencrypt {
	listen on 127.0.0.1 port $P3
	protocol back
	forward with tls to <tlshost> port $BTLS
}"

cert_of() {	# name port: the subject of the certificate served for name
	openssl s_client -connect "127.0.0.1:$2" -servername "$1" \
	    </dev/null 2>/dev/null | openssl x509 -noout -subject 2>/dev/null
}

# Whose order of cipher suites wins: the relay's (AES-128-GCM first) by
# default, the client's with tls no cipher-server-preference.
suite_of() {	# port
	openssl s_client -connect "127.0.0.1:$1" -servername a.test -tls1_2 \
	    -cipher ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256 \
	    </dev/null 2>/dev/null | sed -n 's/^ *Cipher *: *//p' | head -n 1
}
is "$(suite_of "$P1")" ECDHE-ECDSA-AES128-GCM-SHA256 \
    "cipher-server-preference (default): the relay's order"
is "$(suite_of "$P4")" ECDHE-ECDSA-AES256-GCM-SHA384 \
    "tls no cipher-server-preference: the client's order"

# Termination: the keypair the SNI name picks, ECDSA or RSA.
like "$(cert_of a.test "$P1")" 'CN ?= ?a.test' "SNI a.test: a.test's ECDSA certificate"
like "$(cert_of b.test "$P1")" 'CN ?= ?b.test' "SNI b.test: b.test's RSA certificate"
like "$(cert_of other.test "$P1")" 'CN ?= ?a.test' "unknown name: the first keypair"
body=$(curl -s --cacert "$C/ca.crt" --resolve "a.test:$P1:127.0.0.1" \
    "https://a.test:$P1/")
is "$body" hello "HTTPS terminated, HTTP to the host"
curl -s --cacert "$C/ca.crt" --resolve "b.test:$P1:127.0.0.1" \
    "https://b.test:$P1/big.bin" -o "$R/big.out"
cmp -s "$R/big.out" "$T/htdocs/big.bin"
ok $? "2 MiB through TLS termination intact (RSA handshake)"
v=$(curl -sv --cacert "$C/ca.crt" --resolve "a.test:$P1:127.0.0.1" \
    "https://a.test:$P1/" "https://a.test:$P1/" 2>&1)
like "$v" 'Re-using existing connection' "keep-alive over TLS"

# TLS both ways, and TLS to the host only.
body=$(curl -s --cacert "$C/ca.crt" --resolve "a.test:$P2:127.0.0.1" \
    "https://a.test:$P2/")
is "$body" hello "TLS to the client and to the host at once"
curl -s --cacert "$C/ca.crt" --resolve "a.test:$P2:127.0.0.1" \
    "https://a.test:$P2/big.bin" -o "$R/big2.out"
cmp -s "$R/big2.out" "$T/htdocs/big.bin"
ok $? "2 MiB through TLS both ways intact"
is "$(curl -s "http://127.0.0.1:$P3/")" hello \
    "HTTP in, TLS to the host verified by the CA"

# A host whose certificate the CA did not sign: 502, not relayed.
P4=$(free_port)
sed -i "s/^}\$/}/" "$R/relayd.conf"
cat >>"$R/relayd.conf" <<EOF
relay untrusted {
	listen on 127.0.0.1 port $P4
	protocol wrongca
	forward with tls to <tlshost> port $BTLS
}
EOF
kill -HUP "$RELAY_PID"
i=0
while ! grep -q 'configuration reloaded' "$R/stderr" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P4/")
is "$code" 502 "a host the CA does not vouch for: 502"
is "$(curl -s "http://127.0.0.1:$P3/")" hello "the other relays still serve"
sleep 1	# the old generation's workers drain and go

# The processes: a parent, the key process, the workers.
kids=$(pgrep -P "$RELAY_PID" | tr '\n' ' ')
KEYHEX=$(openssl ec -in "$C/a.key" -text -noout 2>/dev/null |
    sed -n '/priv:/,/pub:/p' | grep -v 'priv:\|pub:' | tr -d ' :\n')
[ ${#KEYHEX} -eq 64 ] || bail_out "cannot read a.test's private scalar"
keyproc=
workers=
for pid in $kids; do
	if perl tests/lib/memscan.pl "$pid" "$KEYHEX" >/dev/null; then
		keyproc="$keyproc $pid"
	else
		workers="$workers $pid"
	fi
done
set -- $keyproc
is "$#" 1 "exactly one child holds the key (the key process)"
set -- $workers
ok "$([ $# -ge 2 ]; echo $?)" "the workers ($#) hold no key"
perl tests/lib/memscan.pl "$RELAY_PID" "$KEYHEX" >/dev/null
isnt "$?" 0 "the parent wiped the keys once the key process had them"
for pid in $keyproc $workers; do
	st=$(cat "/proc/$pid/status")
	like "$st" 'Seccomp:[[:space:]]+2' "pid $pid: seccomp filter"
	like "$st" 'NoNewPrivs:[[:space:]]+1' "pid $pid: no new privileges"
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
	is "$uid" "$(id -u _relayd)" "pid $pid: runs as _relayd"
	is "$(readlink "/proc/$pid/root")" "$R/state" \
	    "pid $pid: chrooted in the state directory"
done
for pid in $keyproc; do
	is "$(ls "/proc/$pid/fd" | wc -l)" "$(( $# + 3 ))" \
	    "the key process holds one socket per worker, and 0-2"
done
like "$(tail -n 20 "$R/stderr")" \
    'relay both, session [0-9]+ \([0-9]+ active\), 0, 127\.0\.0\.1 -> 127\.0\.0\.1:[0-9]+, done' \
    "relayd's connection line"

relay_stop
done_testing
