#!/bin/sh
# testssl.sh against httpd's TLS: no finding rated HIGH or CRITICAL.
# The test certificates are made to pass as real ones would (a CA that
# testssl is told to trust, a year of validity, a CRL address), so that
# what remains is about the server.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
command -v testssl >/dev/null 2>&1 || skip_all "testssl (testssl.sh) not installed"
. tests/lib/httpd.sh
. tests/lib/certs.sh

C=$(mktemp -d /tmp/httpd-certs.XXXXXX)
trap 'cleanup; rm -rf "$C"' EXIT
make_certs "$C"
echo hello >"$T/htdocs/index.html"
httpd_start "server \"a.test\" {
	listen on 127.0.0.1 tls port $PORT
	tls {
		certificate \"$C/a.crt\"
		key \"$C/a.key\"
	}
	hsts
}"

json=$T/testssl.json
timeout 600 testssl --quiet --warnings off --color 0 --add-ca "$C/ca.crt" \
    --jsonfile "$json" --ip 127.0.0.1 "https://a.test:$PORT/" \
    >"$T/testssl.out" 2>&1
ok $? "testssl ran to the end"
is "$(perl -MJSON::PP -e '
	local $/; my $d = decode_json(<STDIN>); print scalar @$d' <"$json")" \
    "$(perl -MJSON::PP -e '
	local $/; my $d = decode_json(<STDIN>); print scalar @$d' <"$json")" \
    "its JSON output parses"
bad=$(perl -MJSON::PP -e '
	local $/; my $d = decode_json(<STDIN>);
	print "$_->{severity} $_->{id}: $_->{finding}\n"
	    for grep { $_->{severity} =~ /^(HIGH|CRITICAL)$/ } @$d' <"$json")
is "$bad" "" "no HIGH or CRITICAL finding"
findings=$(perl -MJSON::PP -e '
	local $/; my $d = decode_json(<STDIN>);
	my %f = map { $_->{id} => $_->{finding} } @$d;
	print join("\n", map { "$_=" . ($f{$_} // "(none)") }
	    qw(TLS1 TLS1_1 TLS1_2 TLS1_3 SSLv3 cipherlist_3DES_IDEA
	       cipherlist_AVERAGE PFS HSTS_time secure_client_renego))' <"$json")
like "$findings" "TLS1=not offered" "TLS 1.0 not offered"
like "$findings" "TLS1_1=not offered" "TLS 1.1 not offered"
like "$findings" "TLS1_2=offered" "TLS 1.2 offered"
like "$findings" "cipherlist_AVERAGE=not offered" "no CBC suite by default"
like "$findings" "PFS=offered" "forward secrecy"
like "$findings" "secure_client_renego=not vulnerable" \
    "no client-initiated renegotiation"
like "$findings" "HSTS_time=365 days" "HSTS seen, a year by default"
diag "$findings"
is "$(curl -sk "https://127.0.0.1:$PORT/")" hello "httpd still serves"
done_testing
