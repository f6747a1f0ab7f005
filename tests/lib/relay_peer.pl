#!/usr/bin/perl
# relay_peer.pl MODE PORT [ARG]: a backend for relay's tests on
# $RB_ADDR (default 127.0.0.1) port PORT, one child per connection (core
# Perl only).
#   echo      send back everything received; half-close after the peer's end
#   id NAME   send NAME and a newline, then close
#   whoami    send the peer's address and a newline, then close
#   proxy     read a PROXY protocol header and send back what it says:
#             "v1 <the line>" or "v2 <family> <src> <sport> <dst> <dport>",
#             then the rest of what came, until the peer's end; to an
#             HTTP request, a 200 response with that line and the
#             request line as its body
use strict;
use warnings;
use IO::Socket::IP;

my ($mode, $port, @arg) = @ARGV;
my $addr = $ENV{RB_ADDR} // '127.0.0.1';
$SIG{CHLD} = 'IGNORE';
my $l = IO::Socket::IP->new(LocalHost => $addr, LocalPort => $port,
    Listen => 1024, ReuseAddr => 1) or die "listen $addr $port: $!\n";

sub readn {
	my ($c, $n) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		my $r = sysread($c, $buf, $n - length($buf), length($buf));
		return undef if !$r;
	}
	return $buf;
}

sub v2_addrs {
	my ($fam, $a) = @_;
	if ($fam == 0x11) {
		my ($s, $d, $sp, $dp) = unpack('a4 a4 n n', $a);
		return join(' ', 'tcp4', join('.', unpack('C4', $s)),
		    $sp, join('.', unpack('C4', $d)), $dp);
	}
	if ($fam == 0x21) {
		my ($s, $d, $sp, $dp) = unpack('a16 a16 n n', $a);
		my $h = sub { join(':', map { sprintf '%x', $_ } unpack('n8', $_[0])) };
		return join(' ', 'tcp6', $h->($s), $sp, $h->($d), $dp);
	}
	return sprintf('family %#x', $fam);
}

sub proxy {
	my ($c) = @_;
	my $sig = readn($c, 12) // return;
	my $head;
	if ($sig eq "\r\n\r\n\0\r\nQUIT\n") {
		my $rest = readn($c, 4) // return;
		my ($vc, $fam, $len) = unpack('C C n', $rest);
		my $a = $len > 0 ? readn($c, $len) // return : '';
		$head = sprintf('v2 %#x %s', $vc, v2_addrs($fam, $a));
	} else {
		my $line = $sig;
		while ($line !~ /\r\n$/ && length($line) < 108) {
			my $ch = readn($c, 1) // return;
			$line .= $ch;
		}
		$line =~ s/\r\n$//;
		$head = "v1 $line";
	}
	my $buf = '';
	sysread($c, $buf, 65536);
	if ($buf =~ /^[A-Z]+ \S+ HTTP\/1\.\d\r\n/) {
		# An HTTP relay: answer in HTTP, the header's line as the body.
		while ($buf !~ /\r\n\r\n/) {
			sysread($c, $buf, 65536, length $buf) or last;
		}
		my ($line) = $buf =~ /^([^\r]*)/;
		my $body = "$head\n$line\n";
		printf $c "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n" .
		    "Connection: close\r\n\r\n%s", length $body, $body;
		return;
	}
	print $c "$head\n$buf";
	while (sysread($c, $buf, 65536)) {
		print $c $buf;
	}
}

sub serve {
	my ($c) = @_;
	if ($mode eq 'echo') {
		my $buf;
		for (;;) {
			my $n = sysread($c, $buf, 65536);
			last if !$n;
			my $off = 0;
			while ($off < $n) {
				my $w = syswrite($c, $buf, $n - $off, $off);
				return if !defined $w;
				$off += $w;
			}
		}
		shutdown($c, 1);
		# Wait for the peer's close before closing ourselves.
		1 while sysread($c, $buf, 65536);
	} elsif ($mode eq 'id') {
		print $c "$arg[0]\n";
	} elsif ($mode eq 'whoami') {
		print $c $c->peerhost, "\n";
	} elsif ($mode eq 'proxy') {
		proxy($c);
	} else {
		die "unknown mode $mode\n";
	}
}

for (;;) {
	my $c = $l->accept or next;
	my $pid = fork;
	if (defined $pid && $pid == 0) {
		close $l;
		$c->autoflush(1);
		serve($c);
		close $c;
		exit 0;
	}
	close $c;
}
