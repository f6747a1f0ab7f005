# certs.sh: make_certs DIR -- a test PKI made with openssl:
#   ca.crt/.key       the CA that signs the rest
#   a.crt/.key        a.test and www.a.test, ECDSA P-256 (SEC1 key)
#   b.crt/.key        b.test, RSA 2048 (PKCS#8 key)
#   client.crt/.key   "/C=DE/O=Example/CN=client one", signed by the CA
#   rogue.crt/.key    a self-signed client certificate
#   ca2.crt/.key      a second CA, for another server's clients
#   client2.crt/.key  "/CN=client two", signed by ca2
#   expired.crt       a.test's key, expired yesterday
#   b-pkcs1.key       b.key in the traditional PKCS#1 form
#   c.crt/.key        c.test, RSA, signed by an intermediate CA; c.crt is
#                     the full chain (leaf, then the intermediate)
make_certs() {
	_d=$1
	mkdir -p "$_d"
	(
		cd "$_d" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout ca.key -out ca.crt -days 365 \
		    -subj "/CN=Test CA" 2>/dev/null
		openssl ecparam -name prime256v1 -genkey -noout -out a.key
		openssl req -new -key a.key -subj /CN=a.test -out a.csr
		printf 'subjectAltName=DNS:a.test,DNS:www.a.test\ncrlDistributionPoints=URI:http://ca.test/ca.crl\n' >a.ext
		openssl x509 -req -in a.csr -CA ca.crt -CAkey ca.key \
		    -CAcreateserial -days 365 -extfile a.ext -out a.crt \
		    2>/dev/null
		openssl x509 -req -in a.csr -CA ca.crt -CAkey ca.key \
		    -days -1 -extfile a.ext -out expired.crt 2>/dev/null
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		    -out b.key 2>/dev/null
		openssl req -new -key b.key -subj /CN=b.test -out b.csr
		printf 'subjectAltName=DNS:b.test\ncrlDistributionPoints=URI:http://ca.test/ca.crl\n' >b.ext
		openssl x509 -req -in b.csr -CA ca.crt -CAkey ca.key \
		    -days 365 -extfile b.ext -out b.crt 2>/dev/null
		openssl rsa -in b.key -traditional -out b-pkcs1.key 2>/dev/null
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout int.key -out int.csr -subj "/CN=Test Intermediate" \
		    2>/dev/null
		printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n' >int.ext
		openssl x509 -req -in int.csr -CA ca.crt -CAkey ca.key \
		    -days 365 -extfile int.ext -out int.crt 2>/dev/null
		openssl req -newkey rsa:2048 -nodes -keyout c.key -out c.csr \
		    -subj /CN=c.test 2>/dev/null
		printf 'subjectAltName=DNS:c.test\n' >c.ext
		openssl x509 -req -in c.csr -CA int.crt -CAkey int.key \
		    -CAcreateserial -days 365 -extfile c.ext -out c-leaf.crt \
		    2>/dev/null
		cat c-leaf.crt int.crt >c.crt
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout client.key -out client.csr \
		    -subj "/C=DE/O=Example/CN=client one" 2>/dev/null
		openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key \
		    -days 365 -out client.crt 2>/dev/null
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout rogue.key -out rogue.crt -days 365 \
		    -subj "/CN=rogue" 2>/dev/null
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout ca2.key -out ca2.crt -days 365 \
		    -subj "/CN=Second CA" 2>/dev/null
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout client2.key -out client2.csr \
		    -subj "/CN=client two" 2>/dev/null
		openssl x509 -req -in client2.csr -CA ca2.crt -CAkey ca2.key \
		    -CAcreateserial -days 365 -out client2.crt 2>/dev/null
	) || bail_out "openssl could not make the test certificates"
}
