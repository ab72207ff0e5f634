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

// nameCache keeps the readable names of the certificates and DN identities
// seen last, so that decoding the same message again (a retransmission, a
// second pass) allocates nothing. It holds at most maxCachedNames entries.
type nameCache struct {
	dn   map[string]string
	cert map[string][2]string
}

const maxCachedNames = 64

func (c *nameCache) readableDN(der []byte) (string, bool) {
	if c == nil {
		return readableDN(der)
	}
	if s, ok := c.dn[string(der)]; ok {
		return s, s != ""
	}
	s, _ := readableDN(der)
	if c.dn == nil || len(c.dn) >= maxCachedNames {
		c.dn = map[string]string{}
	}
	c.dn[string(der)] = s
	return s, s != ""
}

func (c *nameCache) certNames(der []byte) (subject, issuer string, ok bool) {
	if c == nil {
		return certNames509(der)
	}
	if n, ok := c.cert[string(der)]; ok {
		return n[0], n[1], n != [2]string{}
	}
	subject, issuer, ok = certNames509(der)
	if c.cert == nil || len(c.cert) >= maxCachedNames {
		c.cert = map[string][2]string{}
	}
	c.cert[string(der)] = [2]string{subject, issuer}
	return subject, issuer, ok
}
