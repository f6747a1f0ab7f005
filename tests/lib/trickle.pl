#!/usr/bin/perl
# trickle.pl LISTEN-PORT TARGET-PORT: accept one connection on
# 127.0.0.1:LISTEN-PORT and relay it to 127.0.0.1:TARGET-PORT, passing
# the client's first 2048 bytes on 40 at a time, 20 ms apart, so that
# the server reads its ClientHello in pieces.  Prints "ready" once it
# listens.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;

my ($lport, $tport) = @ARGV;
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $lport,
    Listen => 1, ReuseAddr => 1) or die "listen: $!\n";
$| = 1;
print "ready\n";
my $c = $l->accept or die "accept: $!\n";
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $tport)
    or die "connect: $!\n";
my $sel = IO::Select->new($c, $s);
my $trickled = 0;
while (my @ready = $sel->can_read(10)) {
	for my $from (@ready) {
		my $to = $from == $c ? $s : $c;
		my $n = sysread($from, my $buf, 65536);
		exit 0 unless $n;
		while ($from == $c && $trickled < 2048 && length $buf) {
			my $piece = substr($buf, 0, 40, '');
			syswrite($to, $piece);
			$trickled += length $piece;
			select(undef, undef, undef, 0.02);
		}
		syswrite($to, $buf) if length $buf;
	}
}
