#!/usr/bin/perl
# split_request.pl PORT: connect to 127.0.0.1:PORT, send the first bytes
# of a GET, wait 0.3 s, send the rest (with Connection: close), and print
# all that comes back -- a request not whole when its connection is
# accepted.
use strict;
use warnings;
use IO::Socket::INET;

my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $ARGV[0])
    or die "connect: $!\n";
syswrite($s, "GET / HT");
select(undef, undef, undef, 0.3);
syswrite($s, "TP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
local $/;
my $all = <$s>;
print $all // '';
