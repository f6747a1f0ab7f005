#!/usr/bin/perl
# kaload.pl: N clients sending GET requests in a loop until a stop file
# appears, counting failures the way wrk(1) does.
#
#   kaload.pl [-tls] [-new] [-n CLIENTS] [-path PATH] [-host NAME]
#             [-ready DIR] PORT STOPFILE
#
# Each client keeps its connection alive and sends the next request as
# soon as the last response is whole, so a request is always on its way
# (as wrk's are).  A response that says "Connection: close" ends the
# connection and the client connects again: that is no failure.  What
# is: a refused or reset connect (connect), a write that fails (write),
# the end or a reset of the connection before a whole response to a
# sent request (read), no response within 10 s (timeout), a status other
# than 200 (status).  -new sends "Connection: close" itself, one
# request per connection.  -ready: each client writes DIR/ID once its
# first response is in.  Prints one line at the end:
#   requests N connect N read N write N timeout N status N
# and, on stderr, the first few failures with their reason.
use strict;
use warnings;
use IO::Socket::INET;
use Getopt::Long;

my ($tls, $new, $n, $path, $host, $ready) = (0, 0, 50, '/', 'localhost');
GetOptions('tls' => \$tls, 'new' => \$new, 'n=i' => \$n,
    'path=s' => \$path, 'host=s' => \$host, 'ready=s' => \$ready)
    or die "usage\n";
my ($port, $stop) = @ARGV;
die "usage: kaload.pl [-tls] [-new] [-n N] PORT STOPFILE\n"
    unless defined $stop;
require IO::Socket::SSL if $tls;

my @kinds = qw(requests connect read write timeout status);

sub connect_once {
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port, Proto => 'tcp', Timeout => 10);
	return (undef, "connect: $!") unless $s;
	return ($s, undef) unless $tls;
	IO::Socket::SSL->start_SSL($s, SSL_verify_mode => 0,
	    SSL_hostname => $host, Timeout => 10)
	    or return (undef, "handshake: " . IO::Socket::SSL::errstr());
	return ($s, undef);
}

# One response: (status, closes) or (undef, reason, kind).
sub response {
	my ($s) = @_;
	my $buf = '';
	my $r;
	while ($buf !~ /\r\n\r\n/) {
		$r = sysread($s, $buf, 16384, length($buf));
		return (undef, defined $r ? 'end before the response' :
		    "read: $!", 'read') unless $r;
	}
	my ($head, $body) = split /\r\n\r\n/, $buf, 2;
	my ($status) = $head =~ m{^HTTP/1\.\d (\d+)};
	my ($len) = $head =~ /^Content-Length:\s*(\d+)/mi;
	my $closes = $head =~ /^Connection:\s*close/mi ? 1 : 0;
	$len //= 0;
	while (length($body) < $len) {
		$r = sysread($s, $body, 16384, length($body));
		return (undef, defined $r ? 'end in the body' : "read: $!",
		    'read') unless $r;
	}
	return ($status // 0, $closes);
}

sub client {
	my ($id) = @_;
	my %c = map { $_ => 0 } @kinds;
	my $shown = 0;
	my $s;
	my $req = "GET $path HTTP/1.1\r\nHost: $host\r\n" .
	    ($new ? "Connection: close\r\n" : '') . "\r\n";
	local $SIG{PIPE} = 'IGNORE';
	my $fail = sub {
		my ($kind, $why) = @_;
		$c{$kind}++;
		print STDERR "client $id: $kind: $why\n" if $shown++ < 3;
		close($s) if $s;
		undef $s;
	};
	while (!-e $stop) {
		if (!$s) {
			my $err;
			($s, $err) = connect_once();
			if (!$s) {
				$fail->('connect', $err);
				select(undef, undef, undef, 0.01);
				next;
			}
		}
		my $w = eval {
			local $SIG{ALRM} = sub { die "timeout\n" };
			alarm 10;
			my $ok = syswrite($s, $req);
			if (!defined $ok || $ok != length($req)) {
				alarm 0;
				return ['write', "write: $!"];
			}
			my ($st, $why, $kind) = response($s);
			alarm 0;
			return [$kind, $why] unless defined $st;
			if ($c{requests}++ == 0 && defined $ready) {
				my $f;
				close($f) if open($f, '>', "$ready/$id");
			}
			return ['status', "status $st"] if $st != 200;
			return [undef, $why];
		};
		alarm 0;
		$w = ['timeout', 'no response in 10 s'] unless $w;
		if (defined $w->[0]) {
			$fail->(@$w);
		} elsif ($w->[1] || $new) {
			close($s);	# the server said close: connect again
			undef $s;
		}
	}
	return join(' ', map { "$_ $c{$_}" } @kinds);
}

my @pipes;
for my $i (1 .. $n) {
	pipe(my $r, my $wr) or die "pipe: $!\n";
	my $pid = fork() // die "fork: $!\n";
	if ($pid == 0) {
		close $r;
		print $wr client($i), "\n";
		close $wr;
		exit 0;
	}
	close $wr;
	push @pipes, $r;
}
my %sum = map { $_ => 0 } @kinds;
for my $r (@pipes) {
	my $line = <$r> // '';
	my %got = split ' ', $line;
	$sum{$_} += $got{$_} // 0 for @kinds;
	$sum{connect}++ unless $line;	# a client that died counts
}
1 while wait() != -1;
print join(' ', map { "$_ $sum{$_}" } @kinds), "\n";
