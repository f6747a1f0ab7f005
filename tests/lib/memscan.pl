#!/usr/bin/perl
# memscan.pl PID HEX: exit 0 (and say where) if the bytes HEX occur in
# the readable memory of process PID, 1 if they do not, 2 if it cannot
# be read.  For the key process tests: a worker must never hold a key.
use strict;
use warnings;
no warnings 'portable';

my ($pid, $hex) = @ARGV;
my $needle = pack('H*', $hex);
open(my $maps, '<', "/proc/$pid/maps") or exit 2;
open(my $mem, '<:raw', "/proc/$pid/mem") or exit 2;
while (my $l = <$maps>) {
	my ($s, $e, $perm, $path) =
	    $l =~ /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/ or next;
	next if $perm !~ /^r/ || $path =~ /^\[(vvar|vsyscall)/;
	sysseek($mem, hex($s), 0) or next;
	my $buf = '';
	sysread($mem, $buf, hex($e) - hex($s)) or next;
	if (index($buf, $needle) >= 0) {
		print "found in $l";
		exit 0;
	}
}
exit 1;
