#!/bin/sh
# A new client connection to an HTTP relay costs as few system calls as
# it can: the listening socket defers accept until the request has come
# and hands TCP_NODELAY down, a listener on one address names the local
# address (no getsockname), the request is read right after accept, no
# splice pipes are made for HTTP, and the host's connection of a client
# that said `Connection: close` is kept for the next client.  A plain TCP
# relay (the server may speak first) still accepts at once.  The worker
# is watched with strace.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
command -v strace >/dev/null || bail_out "strace is not installed"
. tests/lib/httpd.sh
. tests/lib/relay_http_lib.sh
. tests/lib/syscalls.sh

echo hello >"$T/htdocs/index.html"
httpd_start "server \"default\" {
	listen on 127.0.0.1 port $PORT
	root \"/htdocs\"
}"
RP=$(free_port)
TP=$(free_port)
BP=$(free_port)
# A host that speaks first, as SMTP or SSH servers do.
perl tests/lib/relay_peer.pl id "$BP" banner 2>/dev/null &
RB_PIDS="$RB_PIDS $!"
i=0
until perl -MIO::Socket::INET -e 'IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0]) or exit 1' "$BP" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && bail_out "relay_peer.pl did not start"
	sleep 0.1
done
relay_start "table <b> { 127.0.0.1 }
http protocol web { }
relay www {
	listen on 127.0.0.1 port $RP
	protocol web
	forward to <b> port $PORT
}
relay plain {
	listen on 127.0.0.1 port $TP
	forward to <b> port $BP
}"
RURL="http://127.0.0.1:$RP/"
is "$(curl -s "$RURL")" hello "the relay serves"
wpid=$(relay_worker_pid)

# 20 requests, each on a new connection.
syscalls_during "$wpid" \
    accept4,setsockopt,getsockname,pipe2,socket,connect,read,epoll_wait \
    'curl -s -o /dev/null "$RURL"' "$R/calls" fetch_new "$RURL" hello 20
is "$FETCHED" 20 "20 requests, each on a new connection with Connection: close"
count() { syscall_count "$R/calls" "$1"; }
ok $(($(count accept4) >= 20 ? 0 : 1)) "20 accepts seen ($(count accept4))"
is "$(count setsockopt)" 0 "no setsockopt (TCP_NODELAY inherited, the host's connection kept)"
is "$(count getsockname)" 0 "no getsockname (the listener's address is the local one)"
is "$(count pipe2)" 0 "no splice pipes for HTTP"
is "$(count connect)" 0 "no new connection to the host: the kept one serves each client"
is "$(grep -c 'read(.*= -1 EAGAIN' "$R/calls")" 0 \
    "no read found nothing (each request came with its accept)"

# A plain TCP relay: the host may speak first, so nothing is deferred --
# a client that sends nothing gets the host's banner at once.
out=$(perl -MIO::Socket::INET -MIO::Select -e '
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	    PeerPort => $ARGV[0]) or die "connect: $!\n";
	my $buf = "";
	sysread($s, $buf, 100) if IO::Select->new($s)->can_read(0.8);
	print $buf;
' "$TP")
is "$out" banner "a TCP relay passes on a host that speaks first, the client silent"
# An HTTP request sent in pieces after the accept.
out=$(perl tests/lib/split_request.pl "$RP")
like "$out" '^HTTP/1.1 200' "an HTTP request in pieces: answered"
is "$(curl -s "$RURL")" hello "the relay still serves"
done_testing
