package ikev2

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
)

// readableDN turns a DER-encoded distinguished name (ID_DER_ASN1_DN, RFC
// 7296 §3.5: "the complete DER encoding of an ASN.1 X.500
// Distinguished Name") into its RFC 4514 string, "CN=host,O=lab,C=XX".
func readableDN(der []byte) (string, bool) {
	var rdn pkix.RDNSequence
	rest, err := asn1.Unmarshal(der, &rdn)
	if err != nil || len(rest) > 0 {
		return "", false
	}
	return rdn.String(), true
}

// certNames509 returns the subject and issuer of a DER X.509 certificate
// (RFC 7296 §3.6, encoding 4).
func certNames509(der []byte) (subject, issuer string, ok bool) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return "", "", false
	}
	return c.Subject.String(), c.Issuer.String(), true
}
