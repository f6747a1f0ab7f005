#!/bin/sh
# A client that sends its request and its FIN together (a half-close:
# printf ... | nc -N) gets its answer and then the end of the connection
# at once: the FIN that came with the request raises no epoll edge of its
# own, so httpd must read on to it rather than keep the connection open
# until its keep-alive timeout.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh

mkdir -p "$T/htdocs"
echo hello >"$T/htdocs/index.html"
httpd_start "
server \"default\" {
	listen on 127.0.0.1 port $PORT
	connection { timeout 30 }
}"

# halfclose PORT: send a request and shut the write side down; print the
# status line, then "eof" if the server closed within 3 s, else "open".
halfclose() {
	perl -MIO::Socket::INET -MIO::Select -e '
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $ARGV[0]) or die "connect: $!\n";
		syswrite($s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
		shutdown($s, 1);
		my ($all, $end) = ("", "open");
		my $sel = IO::Select->new($s);
		while ($sel->can_read(3)) {
			my $n = sysread($s, my $buf, 65536);
			if (!$n) { $end = "eof"; last }
			$all .= $buf;
		}
		my ($status) = $all =~ /\A(HTTP\/1\.1 \d+)/;
		print(($status // "none"), " $end\n");
	' "$1"
}

is "$(halfclose "$PORT")" "HTTP/1.1 200 eof" \
    "request and FIN together: the answer, then the end at once"
is "$(curl -s "http://127.0.0.1:$PORT/")" hello "httpd still serves"
done_testing
