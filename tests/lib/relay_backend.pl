#!/usr/bin/perl
# relay_backend.pl MODE PORT [ARG...]: a backend for relay's tests on
# 127.0.0.1:PORT (RB_ADDR=ADDR in the environment for another address,
# e.g. ::1), one child per connection (core Perl only; tls-http also needs
# IO::Socket::SSL).  Prints "ready" on standard output once it listens.
# With RB_RECORD=FILE, every byte received on every connection is appended
# to FILE (as decrypted, for tls-http).  SIGTERM/SIGINT/SIGHUP stop the
# server and the children of its connections.  Reads give up after 60 s
# of silence.
#   echo            echo until the peer shuts its side down, then close
#   id NAME         send "NAME\n", then close
#   http NAME       HTTP/1.1, keep-alive, pipelining, Content-Length and
#                   chunked request bodies; answers 200 with X-Backend: NAME
#                   and the body "NAME METHOD TARGET BODYLEN\n" (BODYLEN
#                   decoded); HEAD gets the same head, no body.  Paths:
#                   /chunked a chunked answer (3 chunks, the same body)
#                   /204     204, no body
#                   /304     304 with Content-Length: 10 and no body
#                   /close   Connection: close, then close
#                   /once    answered on a connection's first request
#                            only; a later one closes the connection
#                            unanswered (a kept connection timing out)
#                   /conn    answered with X-Conn: the connection's pid
#                            (as /once is)
#                   /big?N   N bytes of 'x'
#                   /slow    answer after 3 s
#                   Expect: 100-continue gets "100 Continue" first;
#                   Upgrade: websocket (Connection: upgrade) gets 101, then
#                   an echo.  Closes after Connection: close, after
#                   HTTP/1.0 without keep-alive, and after a 400
#   garbage         answer a request head with "this is not http\r\n\r\n"
#   resetbody       answer Content-Length: 100000 and 1000 bytes, then
#                   reset the connection
#   hang            read and never answer (60 s at most)
#   endless         answer "HTTP/1.1 200 OK" and "X-A: aaa..." header lines
#                   without end (10 MiB at most)
#   splitcl         answer with two Content-Length headers, 5 and the
#                   whole body, which hides a second response
#   proxy NAME      a PROXY protocol header first (v1 or v2), then http
#                   NAME, with "X-Proxy: <the v1 line>" or "X-Proxy: v2
#                   FAMILY SRC SPORT DST DPORT" (or "v2 LOCAL", "v2 UNSPEC")
#                   in every answer; no or a bad header: 400, then close
#   tls-http NAME CERT KEY   http NAME over TLS (ALPN http/1.1), with
#                   "X-SNI: <the name the client sent, or ->" in every answer
use strict;
use warnings;
use Fcntl qw(O_WRONLY O_APPEND O_CREAT);
use IO::Select;
use IO::Socket::IP;
use Socket qw(SOL_SOCKET SO_LINGER SHUT_WR AF_INET AF_INET6 inet_pton
    inet_ntop);

my %nargs = (echo => 0, id => 1, http => 1, garbage => 0, resetbody => 0,
    hang => 0, endless => 0, splitcl => 0, proxy => 1, 'tls-http' => 3);
my ($mode, $port, @arg) = @ARGV;
die "usage: relay_backend.pl MODE PORT [ARG...]; modes: " .
    join(' ', sort keys %nargs) . "\n"
    unless defined $port && $port =~ /^\d+$/ && defined $mode &&
    exists $nargs{$mode} && @arg == $nargs{$mode};
my $name = $arg[0];
my $idle = 60;

my $ctx;
if ($mode eq 'tls-http') {
	require IO::Socket::SSL;
	$ctx = IO::Socket::SSL::SSL_Context->new(SSL_server => 1,
	    SSL_cert_file => $arg[1], SSL_key_file => $arg[2],
	    SSL_alpn_protocols => ['http/1.1'])
	    or die "relay_backend.pl: TLS: " . IO::Socket::SSL::errstr() . "\n";
}

$SIG{PIPE} = 'IGNORE';
$SIG{CHLD} = 'IGNORE';
# A group of our own, so a stop reaches the children too.
setpgrp(0, 0);
my $addr = $ENV{RB_ADDR} // '127.0.0.1';
my $l = IO::Socket::IP->new(LocalHost => $addr, LocalPort => $port,
    Proto => 'tcp', Listen => 1024, ReuseAddr => 1)
    or die "relay_backend.pl: listen $addr port $port: $@\n";
for my $sig (qw(TERM INT HUP)) {
	$SIG{$sig} = sub {
		$SIG{TERM} = 'IGNORE';
		kill 'TERM', -$$;
		exit 0;
	};
}
syswrite(STDOUT, "ready\n");

# Append what came in to the RB_RECORD file, opened anew for each write.
sub record {
	my ($data) = @_;
	return if !defined $ENV{RB_RECORD} || $data eq '';
	if (sysopen(my $f, $ENV{RB_RECORD}, O_WRONLY | O_APPEND | O_CREAT,
	    0644)) {
		syswrite($f, $data);
		close($f);
	} else {
		warn "relay_backend.pl: $ENV{RB_RECORD}: $!\n";
	}
}

# Read more into $$buf, waiting at most $wait seconds.  The count read, 0
# at the end of the stream, on an error or when nothing came.
sub fill {
	my ($c, $buf, $wait) = @_;
	$wait //= $idle;
	return 0 if $wait <= 0;
	unless ($c->isa('IO::Socket::SSL') && $c->pending) {
		return 0 if !IO::Select->new($c)->can_read($wait);
	}
	my $n = sysread($c, my $data, 65536);
	return 0 if !$n;
	record($data);
	$$buf .= $data;
	return $n;
}

# Write all of $data; false when the peer is gone.
sub out {
	my ($c, $data) = @_;
	my $off = 0;
	while ($off < length $data) {
		my $n = syswrite($c, $data, length($data) - $off, $off);
		return 0 if !defined $n;
		$off += $n;
	}
	return 1;
}

# Close gently: send our end, then read (and record) whatever the peer
# still sends, for 2 s at most, so that unread input does not turn the
# close into a reset that could destroy the answer.
sub finish {
	my ($c) = @_;
	if ($c->isa('IO::Socket::SSL')) {
		$c->close;
		return;
	}
	shutdown($c, SHUT_WR);
	my $junk = '';
	my $end = time + 2;
	while (fill($c, \$junk, $end - time)) {
		$junk = '';
	}
	close($c);
}

# A request head (up to its blank line) for the modes that need only one.
sub head {
	my ($c) = @_;
	my $buf = '';
	while ($buf !~ /\r?\n\r?\n/) {
		last if length $buf > 1 << 20 || !fill($c, \$buf);
	}
	return $buf;
}

# Echo $buf and then everything that comes, until the end of the stream.
sub echo {
	my ($c, $buf) = @_;
	while (1) {
		return finish($c) if !out($c, $buf);
		$buf = '';
		return finish($c) if !fill($c, \$buf);
	}
}

# Drop $n bytes of the stream; false if it ended first.
sub skip_bytes {
	my ($c, $buf, $n) = @_;
	while (length $$buf < $n) {
		$n -= length $$buf;
		$$buf = '';
		return 0 if !fill($c, $buf);
	}
	substr($$buf, 0, $n) = '';
	return 1;
}

# One CRLF-terminated line, without its CRLF; undef if the stream ended
# or the line is too long.
sub line {
	my ($c, $buf) = @_;
	my $i;
	while (($i = index($$buf, "\r\n")) < 0) {
		return undef if length $$buf > 8192 || !fill($c, $buf);
	}
	my $line = substr($$buf, 0, $i);
	substr($$buf, 0, $i + 2) = '';
	return $line;
}

sub bad_request {
	my ($c, $extra, $why) = @_;
	my $body = "$name bad request: $why\n";
	out($c, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n" .
	    "X-Backend: $name\r\n$extra" . 'Content-Length: ' . length($body) .
	    "\r\nConnection: close\r\n\r\n$body");
	finish($c);
}

# The header lines of a comma-separated list header, as lower-case tokens.
sub tokens {
	my ($h, $field) = @_;
	return map { lc } grep { $_ ne '' }
	    map { split /[ \t]*,[ \t]*/ } @{$h->{$field} // []};
}

# HTTP/1.1 on $c, with $buf already read; $extra are header lines
# ("Name: value\r\n") added to every answer.
sub http {
	my ($c, $buf, $extra) = @_;
	while (1) {
		my $end;
		while (1) {
			$buf =~ s/\A(?:\r\n)+//;
			last if ($end = index($buf, "\r\n\r\n")) >= 0;
			return bad_request($c, $extra, 'head too long')
			    if length $buf > 1 << 20;
			return finish($c) if !fill($c, \$buf);
		}
		my ($reqline, @lines) = split /\r\n/, substr($buf, 0, $end), -1;
		substr($buf, 0, $end + 4) = '';
		my ($method, $target, $major, $minor) = $reqline =~
		    m{^([!#\$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP/(\d)\.(\d)$}
		    or return bad_request($c, $extra, 'request line');
		my %h;
		for (@lines) {
			my ($f, $v) = /^([!#\$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/
			    or return bad_request($c, $extra, 'header line');
			push @{$h{lc $f}}, $v;
		}
		my $v11 = $major > 1 || ($major == 1 && $minor >= 1);
		my %conn = map { $_ => 1 } tokens(\%h, 'connection');
		my $keep = $v11 ? !$conn{close} : $conn{'keep-alive'};

		my ($chunked, $len) = (0, 0);
		if ($h{'transfer-encoding'}) {
			my @te = tokens(\%h, 'transfer-encoding');
			return bad_request($c, $extra, 'transfer-encoding')
			    if !@te || $te[-1] ne 'chunked';
			$chunked = 1;
			# RFC 9112 6.1: close after a request with both.
			$keep = 0 if $h{'content-length'};
		} elsif ($h{'content-length'}) {
			my %cl = map { $_ => 1 } tokens(\%h, 'content-length');
			my @cl = keys %cl;
			return bad_request($c, $extra, 'content-length')
			    if @cl != 1 || $cl[0] !~ /^\d{1,15}$/;
			$len = $cl[0] + 0;
		}
		if ($v11 && grep { $_ eq '100-continue' } tokens(\%h, 'expect')) {
			return finish($c)
			    if !out($c, "HTTP/1.1 100 Continue\r\n\r\n");
		}

		my $bodylen = 0;
		if ($chunked) {
			while (1) {
				my $l = line($c, \$buf) // return finish($c);
				my ($hex) = $l =~ /^([0-9A-Fa-f]{1,15})(?:[ \t]*;.*)?$/
				    or return bad_request($c, $extra, 'chunk size');
				my $n = hex $hex;
				if ($n == 0) {
					while (1) {
						my $t = line($c, \$buf) //
						    return finish($c);
						last if $t eq '';
					}
					last;
				}
				return finish($c) if !skip_bytes($c, \$buf, $n);
				while (length $buf < 2) {
					return finish($c) if !fill($c, \$buf);
				}
				return bad_request($c, $extra, 'chunk end')
				    if substr($buf, 0, 2, '') ne "\r\n";
				$bodylen += $n;
			}
		} else {
			return finish($c) if !skip_bytes($c, \$buf, $len);
			$bodylen = $len;
		}

		if ((grep { $_ eq 'websocket' } tokens(\%h, 'upgrade')) &&
		    $conn{upgrade}) {
			my $accept = '';
			if (my ($key) = @{$h{'sec-websocket-key'} // []}) {
				require Digest::SHA;
				require MIME::Base64;
				$accept = 'Sec-WebSocket-Accept: ' .
				    MIME::Base64::encode_base64(Digest::SHA::sha1($key .
				    '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'), '') .
				    "\r\n";
			}
			return finish($c) if !out($c,
			    "HTTP/1.1 101 Switching Protocols\r\n" .
			    "Upgrade: websocket\r\nConnection: Upgrade\r\n" .
			    "X-Backend: $name\r\n$accept$extra\r\n");
			return echo($c, $buf);
		}

		return finish($c) if !answer($c, $method, $target, $bodylen, $v11,
		    $keep, $extra);
	}
}

# Requests this connection (this process) answered.
my $answered = 0;

# Answer one request; true if the connection goes on.
sub answer {
	my ($c, $method, $target, $bodylen, $v11, $keep, $extra) = @_;
	my $path = $target;
	$path =~ s{^[A-Za-z][A-Za-z0-9+.-]*://[^/]*}{};
	my $query = $path =~ s/\?(.*)\z//s ? $1 : '';
	my $nobody = $method eq 'HEAD';
	my $body = "$name $method $target $bodylen\n";
	my ($status, $framing, $bigsize) = ('200 OK', undef, undef);

	select(undef, undef, undef, 3) if $path eq '/slow';
	$keep = 0 if $path eq '/close';
	return 0 if $path eq '/once' && $answered;
	$answered++;
	$extra .= "X-Conn: $$\r\n" if $path eq '/once' || $path eq '/conn';
	if ($path eq '/204') {
		$status = '204 No Content';
		($framing, $body, $nobody) = ('', '', 1);
	} elsif ($path eq '/304') {
		$status = '304 Not Modified';
		($framing, $body, $nobody) = ("Content-Length: 10\r\n", '', 1);
	} elsif ($path eq '/chunked') {
		if ($v11) {
			$framing = "Transfer-Encoding: chunked\r\n";
			my ($a, $b) = ("$name ", "$method $target ");
			$body = sprintf("%x\r\n%s\r\n%x\r\n%s\r\n%x\r\n%s\r\n" .
			    "0\r\n\r\n", length $a, $a, length $b, $b,
			    length("$bodylen\n"), "$bodylen\n");
		} else {
			# No chunks for HTTP/1.0: the end of the body is the close.
			($framing, $keep) = ('', 0);
		}
	} elsif ($path eq '/big') {
		$bigsize = $query =~ /^(\d{1,15})$/ ? $1 + 0 : 0;
		($framing, $body) = ("Content-Length: $bigsize\r\n", '');
	}
	$framing //= 'Content-Length: ' . length($body) . "\r\n";
	my $conn = !$keep ? "Connection: close\r\n" :
	    !$v11 ? "Connection: keep-alive\r\n" : '';
	my $ctype = $status eq '200 OK' ? "Content-Type: text/plain\r\n" : '';
	out($c, "HTTP/1.1 $status\r\n${ctype}X-Backend: $name\r\n$framing" .
	    "$extra$conn\r\n" . ($nobody ? '' : $body)) or return 0;
	if (defined $bigsize && !$nobody) {
		my $block = 'x' x 65536;
		while ($bigsize > 0) {
			my $n = $bigsize < 65536 ? $bigsize : 65536;
			out($c, substr($block, 0, $n)) or return 0;
			$bigsize -= $n;
		}
	}
	return $keep;
}

# The PROXY protocol header at the start of the stream: the X-Proxy value
# and what came after it, or undef and a reason.
sub proxy_header {
	my ($c) = @_;
	my $sig = "\r\n\r\n\0\r\nQUIT\n";
	my $buf = '';
	while (1) {
		my $n = length $buf;
		if ($n == 0) {
		} elsif (substr($buf, 0, 12) eq substr($sig, 0, $n > 12 ? 12 : $n)) {
			if ($n >= 16) {
				my ($vc, $fam, $len) = unpack('CCn', substr($buf, 12, 4));
				if ($n >= 16 + $len) {
					my $v = proxy_v2($vc, $fam,
					    substr($buf, 16, $len));
					return (undef, 'bad v2 header') if !defined $v;
					return ($v, substr($buf, 16 + $len));
				}
			}
		} elsif (substr($buf, 0, 6) eq substr('PROXY ', 0, $n > 6 ? 6 : $n)) {
			my $i = index($buf, "\r\n");
			if ($i >= 0) {
				my $line = substr($buf, 0, $i);
				return (undef, 'bad v1 header')
				    if $i + 2 > 107 || !proxy_v1($line);
				return ($line, substr($buf, $i + 2));
			}
			return (undef, 'v1 header too long') if $n >= 107;
		} else {
			return (undef, 'no PROXY header');
		}
		return (undef, 'end of stream') if !fill($c, \$buf);
	}
}

sub proxy_v1 {
	my ($line) = @_;
	return 1 if $line =~ /^PROXY UNKNOWN(?: [^\r\n]*)?$/;
	my ($fam, $src, $dst, $sport, $dport) = $line =~
	    /^PROXY (TCP4|TCP6) (\S+) (\S+) (\d{1,5}) (\d{1,5})$/ or return 0;
	my $af = $fam eq 'TCP4' ? AF_INET : AF_INET6;
	return defined(inet_pton($af, $src)) && defined(inet_pton($af, $dst)) &&
	    $sport <= 65535 && $dport <= 65535 && $sport !~ /^0\d/ &&
	    $dport !~ /^0\d/;
}

sub proxy_v2 {
	my ($vc, $fam, $a) = @_;
	return undef if $vc >> 4 != 2 || ($vc & 15) > 1;
	return 'v2 LOCAL' if ($vc & 15) == 0;
	return 'v2 UNSPEC' if $fam == 0x00;
	my %f = (0x11 => ['TCP4', AF_INET, 4], 0x12 => ['UDP4', AF_INET, 4],
	    0x21 => ['TCP6', AF_INET6, 16], 0x22 => ['UDP6', AF_INET6, 16]);
	if (my $f = $f{$fam}) {
		my ($fname, $af, $sz) = @$f;
		return undef if length $a < 2 * $sz + 4;
		my ($sport, $dport) = unpack('nn', substr($a, 2 * $sz, 4));
		return join(' ', 'v2', $fname,
		    inet_ntop($af, substr($a, 0, $sz)), $sport,
		    inet_ntop($af, substr($a, $sz, $sz)), $dport);
	}
	if ($fam == 0x31 || $fam == 0x32) {
		return undef if length $a < 216;
		my ($src, $dst) = unpack('Z108 Z108', $a);
		return join(' ', 'v2', $fam == 0x31 ? 'UNIX' : 'UNIXDGRAM',
		    $src, '-', $dst, '-');
	}
	return undef;
}

sub serve {
	my ($c) = @_;
	if ($mode eq 'echo') {
		echo($c, '');
	} elsif ($mode eq 'id') {
		out($c, "$name\n");
		finish($c);
	} elsif ($mode eq 'http') {
		http($c, '', '');
	} elsif ($mode eq 'tls-http') {
		IO::Socket::SSL->start_SSL($c, SSL_server => 1,
		    SSL_reuse_ctx => $ctx, Timeout => 10) or return;
		my $sni = $c->get_servername;
		$sni = '-' if !defined $sni || $sni eq '';
		http($c, '', "X-SNI: $sni\r\n");
	} elsif ($mode eq 'proxy') {
		my ($v, $rest) = proxy_header($c);
		return bad_request($c, '', "PROXY protocol: $rest")
		    if !defined $v;
		http($c, $rest, "X-Proxy: $v\r\n");
	} elsif ($mode eq 'garbage') {
		head($c);
		out($c, "this is not http\r\n\r\n");
		finish($c);
	} elsif ($mode eq 'resetbody') {
		head($c);
		out($c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" .
		    "Content-Length: 100000\r\n\r\n" . ('x' x 1000));
		# Time for the 1000 bytes to be read before the reset.
		select(undef, undef, undef, 0.2);
		setsockopt($c, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0));
		close($c);
	} elsif ($mode eq 'hang') {
		my $junk = '';
		my $end = time + 60;
		while (fill($c, \$junk, $end - time)) {
			$junk = '';
		}
		close($c);
	} elsif ($mode eq 'endless') {
		head($c);
		my $line = 'X-A: ' . ('a' x 1017) . "\r\n";
		my $sent = 0;
		my $sel = IO::Select->new($c);
		out($c, "HTTP/1.1 200 OK\r\n") or return;
		while ($sent < 10 << 20 && $sel->can_write(10)) {
			last if !defined syswrite($c, $line);
			$sent += length $line;
		}
		close($c);
	} elsif ($mode eq 'splitcl') {
		head($c);
		my $body = "hello" . "HTTP/1.1 200 OK\r\nX-Smuggled: yes\r\n" .
		    "Content-Length: 0\r\n\r\n";
		out($c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" .
		    "Content-Length: 5\r\nContent-Length: " . length($body) .
		    "\r\n\r\n$body");
		finish($c);
	}
}

while (1) {
	my $c = $l->accept or next;
	my $pid = fork();
	if (defined $pid && $pid == 0) {
		$SIG{$_} = 'DEFAULT' for qw(TERM INT HUP);
		close($l);
		serve($c);
		exit 0;
	}
	close($c);
}
