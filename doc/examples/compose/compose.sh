#!/bin/sh
# compose.sh NAME DEST [KEY=VALUE...]: make the composed example NAME in
# DEST, ready for s6-svscan DEST/scan.
#
# The examples are templates: every @KEY@ in their files is replaced by
# a value, taken from the arguments, else from the example's own
# "defaults" file (paths of a real system), else from the keys every
# example has:
#   DIR   DEST, absolute: the configurations are in DIR/conf
#   SBIN  where the suite's programs are (/usr/local/sbin)
# A key left without a value is an error, so that no file is written
# with a hole in it.  DEST must not exist yet.
set -eu
usage() {
	echo "usage: compose.sh name dest [key=value ...]" >&2
	exit 100
}
[ $# -ge 2 ] || usage
name=$1
dest=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
src=$here/$name
[ -f "$src/defaults" ] || { echo "compose.sh: no example $name in $here" >&2;
    exit 1; }
[ ! -e "$dest" ] || { echo "compose.sh: $dest exists" >&2; exit 1; }
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# The values, last one wins: common keys, the defaults, the arguments.
vals=$(mktemp)
trap 'rm -f "$vals"' EXIT
{
	echo "DIR=$dest"
	echo "SBIN=/usr/local/sbin"
	grep -v '^#' "$src/defaults" | grep '=' || true
	for kv; do
		case $kv in
		[A-Z]*=*) echo "$kv" ;;
		*) usage ;;
		esac
	done
} >"$vals"

cp -R "$src/." "$dest"
rm -f "$dest/defaults"
find "$dest" -type f >"$vals.files"
trap 'rm -f "$vals" "$vals.files"' EXIT
while read -r f; do
	perl -e '
	    my ($vals, $f) = @ARGV;
	    my (%v, $text);
	    open(my $in, "<", $vals) or die "compose.sh: $vals: $!\n";
	    while (<$in>) { chomp; my ($k, $x) = split /=/, $_, 2; $v{$k} = $x }
	    open(my $fh, "<", $f) or die "compose.sh: $f: $!\n";
	    { local $/; $text = <$fh> }
	    close $fh;
	    for my $k ($text =~ /\@([A-Z][A-Z0-9]*)\@/g) {
		exists $v{$k} or die "compose.sh: $f: no value for \@$k\@\n";
	    }
	    $text =~ s/\@([A-Z][A-Z0-9]*)\@/$v{$1}/g;
	    open($fh, ">", $f) or die "compose.sh: $f: $!\n";
	    print $fh $text;
	    close $fh or die "compose.sh: $f: $!\n";' "$vals" "$f" || exit 1
done <"$vals.files"
