# Test certificates made with openssl(1). Source after tap.sh; call make_certs DIR.
# DIR/ca.pem             test CA ("Duct Test CA")
# DIR/server.{crt,key,pem}   CN=localhost, SAN DNS:localhost, IP:127.0.0.1, signed by the CA
# DIR/client.{crt,key,pem}   CN=client1, clientAuth, signed by the CA
# DIR/wrongname.pem      CN=other.example, SAN DNS:other.example, signed by the CA
# DIR/otherca.pem        another CA; DIR/evil.pem: CN=localhost signed by it (untrusted here)
# KEYTYPE=rsa makes RSA-2048 keys (default: EC P-256, faster to make).
_tls_key() { # _tls_key OUT
	if [ "${KEYTYPE:-ec}" = rsa ]; then
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
	fi
}
_tls_ca() { # _tls_ca DIR NAME SUBJECT
	_tls_key "$1/$2.key"
	openssl req -x509 -new -key "$1/$2.key" -days 3 -subj "$3" -out "$1/$2.pem" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
_tls_leaf() { # _tls_leaf DIR NAME CA SUBJECT EXTENSIONS
	_tls_key "$1/$2.key"
	openssl req -new -utf8 -key "$1/$2.key" -subj "$4" -out "$1/$2.csr" 2>/dev/null
	printf '%b\n' "$5" >"$1/$2.ext"
	openssl x509 -req -in "$1/$2.csr" -CA "$1/$3.pem" -CAkey "$1/$3.key" -CAcreateserial -days 3 \
		-extfile "$1/$2.ext" -out "$1/$2.crt" 2>/dev/null
	cat "$1/$2.crt" "$1/$2.key" >"$1/$2.pem"
}
make_certs() {
	local d=$1
	mkdir -p "$d"
	_tls_ca "$d" ca "/CN=Duct Test CA"
	_tls_ca "$d" otherca "/CN=Other CA"
	_tls_leaf "$d" server ca "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth"
	_tls_leaf "$d" client ca "/CN=client1" "extendedKeyUsage=clientAuth"
	_tls_leaf "$d" wrongname ca "/CN=other.example" "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth"
	_tls_leaf "$d" evil otherca "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth"
	[ -s "$d/server.pem" ] && [ -s "$d/client.pem" ] && [ -s "$d/evil.pem" ] && [ -s "$d/wrongname.pem" ]
}
