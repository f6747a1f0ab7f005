#!/usr/bin/perl
# relay_canned.pl PORT ANSWER...: a host for relay's tests on
# 127.0.0.1:PORT that answers the n-th request head of each connection
# with the n-th ANSWER, byte for byte (\r, \n and \\ in an ANSWER are
# CR, LF and a backslash), whatever the request; the word CLOSE in place
# of an answer closes the connection there.  After the last answer it
# reads on until the peer closes.  Prints "ready" once it listens;
# SIGTERM stops it and its connections.  For responses no real server
# sends: bytes past the framing, 1xx and 101 out of turn, bad chunks.
use strict;
use warnings;
use IO::Socket::INET;

my ($port, @answers) = @ARGV;
die "usage: relay_canned.pl PORT ANSWER...\n" unless defined $port;
s/\\(.)/$1 eq 'r' ? "\r" : $1 eq 'n' ? "\n" : $1/ge for @answers;
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
    Listen => 16, ReuseAddr => 1) or die "relay_canned.pl: $!\n";
$SIG{CHLD} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';
setpgrp(0, 0);
$SIG{TERM} = sub { $SIG{TERM} = 'IGNORE'; kill 'TERM', -$$; exit 0 };
syswrite(STDOUT, "ready\n");
while (1) {
	my $c = $l->accept or next;
	if (fork) {
		close $c;
		next;
	}
	$SIG{TERM} = 'DEFAULT';
	my $buf = '';
	for my $a (@answers) {
		exit 0 if $a eq 'CLOSE';
		while ($buf !~ /\r\n\r\n/) {
			sysread($c, $buf, 65536, length $buf) or exit 0;
		}
		$buf =~ s/\A.*?\r\n\r\n//s;
		syswrite($c, $a);
	}
	1 while sysread($c, $buf, 65536);
	exit 0;
}
