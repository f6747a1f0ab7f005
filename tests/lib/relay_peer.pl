#!/usr/bin/perl
# relay_peer.pl MODE PORT [ARG]: a backend for relay's tests on
# $RB_ADDR (default 127.0.0.1) port PORT, one child per connection (core
# Perl only).
#   echo      send back everything received; half-close after the peer's end
#   id NAME   send NAME and a newline, then close
use strict;
use warnings;
use IO::Socket::IP;

my ($mode, $port, @arg) = @ARGV;
my $addr = $ENV{RB_ADDR} // '127.0.0.1';
$SIG{CHLD} = 'IGNORE';
my $l = IO::Socket::IP->new(LocalHost => $addr, LocalPort => $port,
    Listen => 1024, ReuseAddr => 1) or die "listen $addr $port: $!\n";

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
