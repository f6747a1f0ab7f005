#!/usr/bin/perl
# fcgi_hostile.pl SOCKET: a FastCGI responder that misbehaves on purpose,
# for the tests of httpd's FastCGI client.  Core Perl only.  One process
# per connection; the request's DOCUMENT_URI chooses the behaviour:
#   /ok         a valid response ("ok"), connection kept (FCGI_KEEP_CONN)
#   /split      the same, written one byte at a time
#   /version    a record with version byte 2
#   /padding    a STDOUT record whose padding is longer than its content
#   /midrecord  a STDOUT record cut short, then the close
#   /close      the close, before any answer
#   /stderr     128 KiB of FCGI_STDERR, then a valid response
#   /never      no answer at all (the connection stays open)
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);

my $path = shift or die "usage: $0 socket\n";
unlink $path;
my $l = IO::Socket::UNIX->new(Type => SOCK_STREAM, Local => $path,
    Listen => 64) or die "listen $path: $!\n";
chmod 0666, $path;
$SIG{CHLD} = 'IGNORE';
$| = 1;
print "ready\n";

sub record {
	my ($type, $content, $pad) = @_;
	$pad //= (8 - length($content) % 8) % 8;
	return pack('CCnnCC', 1, $type, 1, length($content), $pad, 0) .
	    $content . ("\0" x $pad);
}

sub readn {
	my ($s, $n) = @_;
	my $buf = '';
	while (length($buf) < $n) {
		my $r = sysread($s, $buf, $n - length($buf), length($buf));
		return undef unless $r;
	}
	return $buf;
}

# Read one request: the PARAMS (decoded) until the empty STDIN record.
sub request {
	my $s = shift;
	my ($params, %p) = ('');
	for (;;) {
		my $h = readn($s, 8) // return undef;
		my ($v, $type, $id, $len, $pad) = unpack('CCnnC', $h);
		my $c = $len + $pad ? readn($s, $len + $pad) : '';
		return undef unless defined $c;
		$c = substr($c, 0, $len);
		$params .= $c if $type == 4;
		last if $type == 5 && $len == 0;
	}
	while (length $params) {
		my @l;
		for (1, 2) {
			my $b = unpack('C', $params);
			if ($b & 0x80) {
				push @l, unpack('N', $params) & 0x7fffffff;
				$params = substr($params, 4);
			} else {
				push @l, $b;
				$params = substr($params, 1);
			}
		}
		$p{substr($params, 0, $l[0])} = substr($params, $l[0], $l[1]);
		$params = substr($params, $l[0] + $l[1]);
	}
	return \%p;
}

my $answer = record(6, "Content-Type: text/plain\r\n\r\nok\n") .
    record(6, '') . record(3, pack('NCCCC', 0, 0, 0, 0, 0));

sub serve {
	my $s = shift;
	while (my $p = request($s)) {
		my $uri = $p->{DOCUMENT_URI} // '';
		if ($uri eq '/split') {
			for my $b (split //, $answer) {
				syswrite($s, $b);
				select(undef, undef, undef, 0.001);
			}
		} elsif ($uri eq '/version') {
			my $r = record(6, "Content-Type: text/plain\r\n\r\nx");
			substr($r, 0, 1) = "\x02";
			syswrite($s, $r);
		} elsif ($uri eq '/padding') {
			syswrite($s, record(6, "Content-Type: text/plain\r\n\r\nx",
			    200));
		} elsif ($uri eq '/midrecord') {
			syswrite($s, substr(record(6, "Content-Type: text/plain\r\n\r\n" . 'x' x 100), 0, 20));
			return;
		} elsif ($uri eq '/close') {
			return;
		} elsif ($uri eq '/stderr') {
			syswrite($s, record(7, 'e' x 32768)) for 1 .. 4;
			syswrite($s, $answer);
		} elsif ($uri eq '/never') {
			sleep 3600;
		} else {
			syswrite($s, $answer);
		}
	}
}

# The forked servers die with the listener: the test stops this process
# with SIGTERM, and a child still asleep on /never must not outlive it.
setpgrp(0, 0);
$SIG{TERM} = sub { local $SIG{TERM} = 'IGNORE'; kill 'TERM', -$$; exit 0 };

while (my $s = $l->accept) {
	my $pid = fork;
	if (defined $pid && $pid == 0) {
		serve($s);
		exit 0;
	}
	close $s;
}
