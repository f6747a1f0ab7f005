#!/usr/bin/perl
# checkd_forge.pl PID REQUEST...: act as a compromised checker.  Takes a
# copy of checker PID's socket to the script helper (the one
# SOCK_SEQPACKET socket it holds) with pidfd_getfd(2), as root may, and
# sends each REQUEST as one record:
#   path FILE ARG   the old request (1292 bytes): a script path and its
#                   argument
#   id N ROUND      a request for host id N
use strict;
use warnings;

my ($pid, @reqs) = @ARGV;
my %seqpacket;		# socket inodes of type SOCK_SEQPACKET (5)
open(my $u, '<', '/proc/net/unix') or die "/proc/net/unix: $!";
<$u>;
while (<$u>) {
	my @f = split;
	$seqpacket{$f[6]} = 1 if hex($f[4]) == 5;
}
close($u);
my $target;
opendir(my $d, "/proc/$pid/fd") or die "/proc/$pid/fd: $!";
for my $fd (readdir($d)) {
	my $l = readlink("/proc/$pid/fd/$fd") or next;
	$target = $fd if $l =~ /^socket:\[(\d+)\]$/ && $seqpacket{$1};
}
closedir($d);
defined $target or die "no SOCK_SEQPACKET socket in $pid\n";
# pidfd_open and pidfd_getfd: the same numbers on every common arch.
my $pidfd = syscall(434, $pid + 0, 0);
$pidfd >= 0 or die "pidfd_open: $!\n";
my $fd = syscall(438, $pidfd, $target + 0, 0);
$fd >= 0 or die "pidfd_getfd: $!\n";
open(my $s, '+<&=', $fd) or die "fdopen: $!";
while (@reqs) {
	my $kind = shift @reqs;
	my $rec;
	if ($kind eq 'path') {
		my ($file, $arg) = splice(@reqs, 0, 2);
		$rec = pack('LLL a1024 a254 x2', 1, 0, 1000, $file, $arg);
	} else {
		my ($id, $round) = splice(@reqs, 0, 2);
		$rec = pack('LL', $id, $round);
	}
	defined syswrite($s, $rec) or die "send: $!\n";
}
