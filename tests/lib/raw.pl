#!/usr/bin/perl
# raw.pl PORT [HOST]: send standard input to 127.0.0.1:PORT as it is,
# then print everything the server answers until it closes or stays
# silent for two seconds.  For the bad-input tests, which need bytes no
# real client would send.  With RAW_BYTEWISE=1 in the environment, the
# input goes out one byte per write, a millisecond apart.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;

my ($port, $host) = @ARGV;
$host //= '127.0.0.1';
my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port,
    Proto => 'tcp') or die "connect: $!\n";
binmode STDIN;
binmode STDOUT;
local $/;
my $req = <STDIN>;
$req = '' unless defined $req;
$s->autoflush(1);
if ($ENV{RAW_BYTEWISE}) {
	for my $byte (split //, $req) {
		syswrite($s, $byte);
		select(undef, undef, undef, 0.001);
	}
} else {
	print $s $req;
}
my $sel = IO::Select->new($s);
while ($sel->can_read(2)) {
	my $n = sysread($s, my $buf, 65536);
	last if !defined $n || $n == 0;
	print $buf;
}
