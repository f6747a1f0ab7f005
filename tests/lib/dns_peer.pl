#!/usr/bin/perl
# dns_peer.pl: both ends of relay's dns tests, over UDP on 127.0.0.1
# (core Perl only).
#   dns_peer.pl server PORT NAME [spoof]
#       answer every query: the same bytes with QR set and NAME appended;
#       append each query's ID (4 hex digits) and the sender's port to
#       $RB_RECORD, one per line.  With spoof, first send a forged answer
#       with the query's ID and "SPOOF" from another port.  Prints
#       "ready" once it listens; SIGTERM stops it.
#   dns_peer.pl query PORT ID [QNAME] [COUNT]
#       send COUNT (1) queries with ID (hex) for QNAME (www.example.com)
#       one after the other, and print for each answer "ID QR TAIL" (TAIL:
#       what follows the question), or "TIMEOUT" after 3 s.
#   dns_peer.pl raw PORT HEX
#       send the bytes HEX as one datagram and print "sent".
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;

my ($mode, $port, @arg) = @ARGV;
die "usage: dns_peer.pl server|query|raw PORT ...\n"
    unless defined $port && $port =~ /^\d+$/;

sub question {
	my ($name) = @_;
	my $q = '';
	$q .= chr(length $_) . $_ for split /\./, $name;
	return $q . "\0" . pack('nn', 1, 1);
}

if ($mode eq 'server') {
	my ($name, $spoof) = @arg;
	my $s = IO::Socket::INET->new(LocalAddr => $ENV{DNS_ADDR} //
	    '127.0.0.1', LocalPort => $port, Proto => 'udp') or
	    die "bind: $!\n";
	my $other = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
	    Proto => 'udp') or die "socket: $!\n";
	$SIG{TERM} = sub { exit 0 };
	syswrite(STDOUT, "ready\n");
	while (1) {
		my $from = $s->recv(my $buf, 65535) // next;
		next if length $buf < 12;
		my $id = unpack('n', $buf);
		my (undef, $fport) = sockaddr_in($from);
		if (defined $ENV{RB_RECORD} &&
		    open(my $r, '>>', $ENV{RB_RECORD})) {
			printf $r "%04x %d\n", $id, $fport;
			close $r;
		}
		my $ans = $buf;
		substr($ans, 2, 1) = chr(ord(substr($ans, 2, 1)) | 0x80);
		if (defined $spoof) {
			$other->send($ans . 'SPOOF', 0, $from);
			select(undef, undef, undef, 0.1);
		}
		$s->send($ans . $name, 0, $from);
	}
}

if ($mode eq 'query') {
	my ($id, $qname, $count) = @arg;
	$qname //= 'www.example.com';
	$count //= 1;
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port, Proto => 'udp') or die "socket: $!\n";
	my $sel = IO::Select->new($s);
	my $q = question($qname);
	for (1 .. $count) {
		$s->send(pack('nnnnnn', hex($id), 0x0100, 1, 0, 0, 0) . $q);
		if (!$sel->can_read(3)) {
			print "TIMEOUT\n";
			next;
		}
		$s->recv(my $buf, 65535);
		my ($aid, $flags) = unpack('nn', $buf);
		my $tail = substr($buf, 12 + length $q);
		printf "%04x %d %s\n", $aid, ($flags >> 15) & 1, $tail;
	}
	exit 0;
}

if ($mode eq 'raw') {
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port, Proto => 'udp') or die "socket: $!\n";
	$s->send(pack('H*', $arg[0]));
	print "sent\n";
	exit 0;
}
die "dns_peer.pl: unknown mode $mode\n";
