#!/usr/bin/perl
# idle_reload.pl PORT PID LOGFILE: two keep-alive connections, each with
# one request served, then a reload (SIGHUP to PID, awaited in LOGFILE).
# Prints one line per finding:
#   busy: STATUS close|keep-alive EOF|open   a request sent at once after
#                                            the reload, and what followed
#   idle: EOF|RESET|open                     the quiet one, within 15 s
#   after: drained|RESET                     a request sent after that end:
#                                            0.5 s later, did a reset come
#                                            back (SO_ERROR, a second write)?
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Errno qw(ECONNRESET);
use Socket qw(SOL_SOCKET SO_ERROR);

my ($port, $pid, $log) = @ARGV;
$SIG{PIPE} = 'IGNORE';
my $req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

sub conn {
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port) or die "connect: $!\n";
	return $s;
}

# Read until the head and body are in, or the end: (head, end?).
sub answer {
	my ($s, $wait) = @_;
	my ($buf, $end) = ('', 'open');
	my $sel = IO::Select->new($s);
	while ($sel->can_read($wait)) {
		my $n = sysread($s, $buf, 65536, length($buf));
		if (!defined $n) { $end = $! == ECONNRESET ? 'RESET' : "$!"; last }
		if ($n == 0) { $end = 'EOF'; last }
		last if $buf =~ /\r\n\r\n/ && $wait > 1;
	}
	return ($buf, $end);
}

sub reloads { open(my $f, '<', $log) or return 0;
	return scalar grep { /configuration reloaded/ } <$f> }

my ($a, $b) = (conn(), conn());
for my $s ($a, $b) {
	syswrite($s, $req);
	my ($h) = answer($s, 5);
	die "no first answer\n" unless $h =~ m{^HTTP/1.1 200};
}
my $before = reloads();
kill 'HUP', $pid;
for (1 .. 200) { last if reloads() > $before; select(undef, undef, undef, 0.05) }
syswrite($a, $req);
my ($h) = answer($a, 5);
my ($st) = $h =~ m{^HTTP/1.1 (\d+)};
my $conn = $h =~ /^Connection: close/mi ? 'close' : 'keep-alive';
my (undef, $end) = answer($a, 5);
print "busy: ", $st // 'none', " $conn $end\n";
(undef, $end) = answer($b, 15);
print "idle: $end\n";
# After the FIN a read says 0 even once a reset has come: ask the
# socket's error, and write once more (which a reset makes fail).
syswrite($b, $req);
select(undef, undef, undef, 0.5);
my $err = unpack('i', getsockopt($b, SOL_SOCKET, SO_ERROR));
my $w = syswrite($b, $req);
print "after: ", ($err == 0 && defined $w ? 'drained' : 'RESET'), "\n";
