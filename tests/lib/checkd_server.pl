#!/usr/bin/perl
# checkd_server.pl MODE PORT [ARG...]: a small peer for checkd's tests on
# 127.0.0.1:PORT, one child per connection (core Perl only).
#   listen               accept, then close
#   http CODE BODY       answer any request with CODE and BODY, then close
#   banner TEXT          send TEXT at once, then wait for the peer
#   binary REQHEX REPHEX answer REPHEX when REQHEX came in, else close
#   garbage              send 10 MiB of garbage, then close
#   hang                 accept and never answer
#   reset                answer half a response, then reset the connection
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(SOL_SOCKET SO_LINGER);

my ($mode, $port, @arg) = @ARGV;
$SIG{CHLD} = 'IGNORE';
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
    Listen => 1024, ReuseAddr => 1) or die "listen $port: $!\n";

sub request {
	my ($c) = @_;
	my $req = '';
	while ($req !~ /\r?\n\r?\n/) {
		my $n = sysread($c, $req, 4096, length $req);
		last if !$n;
	}
	return $req;
}

sub serve {
	my ($c) = @_;
	if ($mode eq 'listen') {
		return;
	} elsif ($mode eq 'http') {
		my ($code, $body) = @arg;
		my $req = request($c);
		$body = '' if $req =~ /^HEAD /;
		print $c "HTTP/1.0 $code Test\r\nContent-Length: " .
		    length($arg[1]) . "\r\nConnection: close\r\n\r\n$body";
	} elsif ($mode eq 'banner') {
		print $c $arg[0];
		sleep 5;
	} elsif ($mode eq 'binary') {
		my $want = pack('H*', $arg[0]);
		my $got = '';
		while (length($got) < length($want)) {
			my $n = sysread($c, $got, 4096, length $got);
			last if !$n;
		}
		print $c pack('H*', $arg[1]) if $got eq $want;
	} elsif ($mode eq 'garbage') {
		my $chunk = join('', map { chr(int(rand(256))) } 1 .. 65536);
		for (1 .. 160) {
			last if !defined syswrite($c, $chunk);
		}
	} elsif ($mode eq 'hang') {
		sleep 3600;
	} elsif ($mode eq 'reset') {
		request($c);
		syswrite($c, "HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\nabc");
		setsockopt($c, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0));
		close($c);
		return;
	}
	close($c);
}

$| = 1;
while (1) {
	my $c = $l->accept or next;
	$c->autoflush(1);
	my $pid = fork();
	if (defined $pid && $pid == 0) {
		close($l);
		serve($c);
		exit 0;
	}
	close($c);
}
