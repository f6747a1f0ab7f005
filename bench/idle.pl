#!/usr/bin/perl
# idle.pl PORT N SECONDS: open N keep-alive connections to 127.0.0.1:PORT,
# send one request on each (so the server has a live, idle connection),
# then hold them SECONDS seconds.  With IDLE_TLS=1 in the environment,
# each connection does a TLS handshake first.  Prints how many are open once they all
# are.  Sources rotate over 127.0.0.2-9, each with its own port range, so
# that TIME_WAIT sockets left by earlier runs never run it out of ports.
use strict;
use warnings;
use IO::Socket::INET;

my ($port, $n, $hold) = @ARGV;
my @socks;
for my $i (1 .. $n) {
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port, LocalAddr => '127.0.0.' . (2 + $i % 8),
	    Proto => 'tcp') or last;
	if ($ENV{IDLE_TLS}) {
		require IO::Socket::SSL;
		IO::Socket::SSL->start_SSL($s, SSL_verify_mode => 0,
		    SSL_version => 'TLSv1_2') or last;
	}
	print $s "GET /1k.html HTTP/1.1\r\nHost: a\r\n\r\n";
	push @socks, $s;
}
# Read each answer so that only the idle connection remains.
for my $s (@socks) {
	my $buf;
	sysread($s, $buf, 4096);
}
$| = 1;
print scalar(@socks), "\n";
sleep $hold;
