#!/bin/sh
# run.sh: what `make run` starts.  Until the programs serve (each comes
# with its own issue), it shows every program checking the shipped
# example configurations, as an operator would before starting them.
set -u
cd "$(dirname "$0")/.."
status=0
verdict() {	# program config
	printf '%-12s -n -f %-26s ' "$1" "$2"
	if out=$("bin/$1" -n -f "$2" 2>&1); then
		echo "$out"
	else
		echo "REJECTED"
		echo "$out" | sed 's/^/    /'
		status=1
	fi
}
verdict httpd doc/examples/httpd.conf
for prog in checkd relay redirectd routerd; do
	verdict "$prog" doc/examples/relayd.conf
done
echo
echo "Normalized httpd configuration (httpd -nn):"
bin/httpd -nn -f doc/examples/httpd.conf 2>&1 | sed 's/^/    /'
echo
echo "fcgi-bridge has no configuration file: $(bin/fcgi-bridge -Z 2>&1 | grep usage)"
exit "$status"
