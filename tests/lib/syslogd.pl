#!/usr/bin/perl
# syslogd.pl PATH OUT: a stand-in syslog daemon for a test: receive
# datagrams on the UNIX socket PATH and append each as one line to OUT.
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_DGRAM);

my ($path, $out) = @ARGV;
unlink $path;
my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path)
    or die "bind $path: $!\n";
chmod 0666, $path;
open(my $fh, '>>', $out) or die "$out: $!\n";
$fh->autoflush(1);
while (defined $s->recv(my $msg, 65536)) {
	print $fh $msg, "\n";
}
