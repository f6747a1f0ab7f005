#!/usr/bin/perl
# relay_client.pl ADDR PORT [N]: connect to ADDR PORT, send standard input
# (read whole first), half-close, and print what comes back until the
# end, N times one after the other (default 1; standard input is sent
# each time).  A connection that fails prints "REFUSED", one that brings
# back nothing prints "EMPTY" (each on a line of its own).  Reads while
# it writes, so a large echo cannot deadlock.  Core Perl only.
use strict;
use warnings;
use IO::Socket::IP;
use IO::Select;

my ($addr, $port, $n) = @ARGV;
$n //= 1;
binmode STDIN;
binmode STDOUT;
my $in = do { local $/; <STDIN> } // '';

sub once {
	my $s = IO::Socket::IP->new(PeerHost => $addr, PeerPort => $port,
	    Timeout => 5);
	if (!$s) {
		print "REFUSED\n";
		return;
	}
	$s->blocking(0);
	my $off = 0;
	my $got = 0;
	my $shut = 0;
	if (length $in == 0) {
		shutdown($s, 1);
		$shut = 1;
	}
	my $rs = IO::Select->new($s);
	for (;;) {
		my ($r, $w) = IO::Select->select($rs, $shut ? undef : $rs,
		    undef, 10);
		last if !$r && !$w;	# timed out
		if ($w && @$w) {
			my $k = syswrite($s, $in, 1 << 16, $off);
			if (defined $k) {
				$off += $k;
				if ($off >= length $in) {
					shutdown($s, 1);
					$shut = 1;
				}
			} elsif (!$!{EAGAIN}) {
				$shut = 1;
			}
		}
		if ($r && @$r) {
			my $buf;
			my $k = sysread($s, $buf, 1 << 16);
			if (defined $k && $k == 0) {
				last;
			} elsif (defined $k) {
				print $buf;
				$got += $k;
			} elsif (!$!{EAGAIN}) {
				last;
			}
		}
	}
	print "EMPTY\n" if !$got;
	close $s;
}

once() for 1 .. $n;
