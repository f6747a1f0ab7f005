#!/usr/bin/perl
# fcgi_client.pl [options] SOCKET: a small FastCGI client (responder role)
# for the tests of fcgi-bridge, in core Perl only.
#
# It sends BEGIN_REQUEST, the PARAMS given with -p NAME=VALUE (and
# SCRIPT_FILENAME with -s), the request body read from standard input
# with -i, then prints what comes back: FCGI_STDOUT content on standard
# output; on standard error one line per event:
#   stderr: TEXT           content of FCGI_STDERR records (as received)
#   end: APP PROTO         FCGI_END_REQUEST: app status, protocol status
#   value: NAME=VALUE      a pair of FCGI_GET_VALUES_RESULT
#   unknown-type: T        FCGI_UNKNOWN_TYPE
#   closed                 the server closed the connection
#   timeout                nothing for -t seconds (default 10)
# Options:
#   -n N     N requests one after the other on the same connection, with
#            FCGI_KEEP_CONN (request ids 1..N); -k alone sets the flag
#   -R       raw: send standard input as it is, then read as above
#   -G NAMES send FCGI_GET_VALUES for the comma-separated names
#   -A SECS  send FCGI_ABORT_REQUEST after SECS seconds
#   -w SECS  read slowly: sleep SECS between reads (a slow client)
use strict;
use warnings;
use Getopt::Std;
use IO::Socket::UNIX;
use IO::Select;

# Getopt::Std keeps only the last -p: collect them from @ARGV first.
my (@pairs, @rest);
while (@ARGV) {
	my $a = shift @ARGV;
	if ($a eq '-p') {
		push @pairs, shift @ARGV;
	} else {
		push @rest, $a;
	}
}
@ARGV = @rest;
my %o;
getopts('s:in:kRG:A:t:w:', \%o) or die "usage: $0 [options] socket\n";
my $path = pop @ARGV or die "no socket\n";
my $timeout = $o{t} // 10;
binmode STDOUT;
binmode STDIN;

sub record {
	my ($type, $id, $content) = @_;
	my $pad = (8 - length($content) % 8) % 8;
	return pack('CCnnCC', 1, $type, $id, length($content), $pad, 0) .
	    $content . ("\0" x $pad);
}

sub nvlen {
	my $n = shift;
	return $n < 128 ? pack('C', $n) : pack('N', $n | 0x80000000);
}

sub nv {
	my ($name, $value) = @_;
	return nvlen(length $name) . nvlen(length $value) . $name . $value;
}

sub stream {
	my ($type, $id, $data) = @_;
	my $out = '';
	while (length $data) {
		$out .= record($type, $id, substr($data, 0, 65535, ''));
	}
	return $out . record($type, $id, '');
}

my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path)
    or die "connect $path: $!\n";

sub send_all {
	my $data = shift;
	while (length $data) {
		my $n = syswrite($s, $data);
		die "write: $!\n" unless defined $n;
		substr($data, 0, $n, '');
	}
}

my $body = '';
if ($o{i}) {
	local $/;
	$body = <STDIN> // '';
}

my $n = $o{n} // 1;
my $keep = ($o{k} || $n > 1) ? 1 : 0;
my $params = '';
$params .= nv('SCRIPT_FILENAME', $o{s}) if defined $o{s};
for my $p (@pairs) {
	my ($k, $v) = split /=/, $p, 2;
	$params .= nv($k, $v // '');
}

my $request_id = 1;
sub send_request {
	my $id = shift;
	send_all(record(1, $id, pack('nCx5', 1, $keep)) .
	    stream(4, $id, $params) . stream(5, $id, $body));
}

if ($o{R}) {
	local $/;
	send_all(<STDIN> // '');
} elsif (defined $o{G}) {
	send_all(record(9, 0, join('', map { nv($_, '') } split /,/, $o{G})));
} else {
	send_request($request_id);
}

my $sel = IO::Select->new($s);
my $buf = '';
my $abort_at = defined $o{A} ? time + $o{A} : undef;
my $done = 0;
$| = 1;
while (1) {
	while (length($buf) >= 8) {
		my ($v, $type, $id, $len, $pad) = unpack('CCnnC', $buf);
		last if length($buf) < 8 + $len + $pad;
		my $c = substr($buf, 8, $len);
		substr($buf, 0, 8 + $len + $pad, '');
		if ($type == 6) {
			print STDOUT $c;
		} elsif ($type == 7) {
			print STDERR "stderr: $c" if length $c;
		} elsif ($type == 3) {
			my ($app, $proto) = unpack('NC', $c);
			print STDERR "end: $app $proto\n";
			$done++;
			if ($done < $n && $id == $request_id) {
				$request_id++;
				send_request($request_id);
			}
		} elsif ($type == 10) {
			while (length $c) {
				my @l;
				for (1 .. 2) {
					my $b = unpack('C', $c);
					if ($b & 0x80) {
						push @l, unpack('N', $c) & 0x7fffffff;
						substr($c, 0, 4, '');
					} else {
						push @l, $b;
						substr($c, 0, 1, '');
					}
				}
				my $name = substr($c, 0, $l[0], '');
				my $value = substr($c, 0, $l[1], '');
				print STDERR "value: $name=$value\n";
			}
			$done = $n;
		} elsif ($type == 11) {
			print STDERR "unknown-type: ", unpack('C', $c), "\n";
			$done = $n unless $o{R};
		} else {
			print STDERR "record: type $type\n";
		}
	}
	last if $done >= $n && !$o{R};
	my $wait = $timeout;
	if (defined $abort_at) {
		$wait = $abort_at - time;
		if ($wait <= 0) {
			send_all(record(2, $request_id, ''));
			undef $abort_at;
			$wait = $timeout;
		}
	}
	if (!$sel->can_read($wait)) {
		next if defined $abort_at;
		print STDERR "timeout\n";
		exit 1;
	}
	select(undef, undef, undef, $o{w}) if $o{w};
	my $r = sysread($s, $buf, 65536, length $buf);
	if (!$r) {
		print STDERR "closed\n";
		last;
	}
}
exit 0;
