package ikev2

import "bytes"

// Vendor IDs (RFC 7296 §3.12) are opaque: most are an MD5 hash of a
// string, some are the string itself. knownVendors names the ones seen
// most, with the name tshark gives them. A prefix entry matches IDs that
// start with its bytes and carry a version or flags after them.
var knownVendors = []struct {
	id     []byte
	prefix bool
	name   string
}{
	{id: hexBytes("882fe56d6fd20dbc2251613b2ebe5beb"), name: "strongSwan"},
	{id: hexBytes("4a131c81070358455c5728f20e95452f"), name: "RFC 3947 Negotiation of NAT-Traversal in the IKE"},
	{id: hexBytes("afcad71368a1f1c96b8696fc77570100"), name: "RFC 3706 DPD (Dead Peer Detection)"},
	{id: hexBytes("90cb80913ebb696e086381b5ec427b1f"), name: "draft-ietf-ipsec-nat-t-ike-02\\n"},
	{id: hexBytes("cd60464335df21f87cfdb2fc68b6a448"), name: "draft-ietf-ipsec-nat-t-ike-02"},
	{id: hexBytes("7d9419a65310ca6f2c179d9215529d56"), name: "draft-ietf-ipsec-nat-t-ike-03"},
	{id: hexBytes("4485152d18b6bbcd0be8a8469579ddcc"), name: "draft-ietf-ipsec-nat-t-ike-00"},
	{id: hexBytes("439b59f8ba676c4c7737ae22eab8f582"), name: "draft-ietf-ipsec-nat-t-ike-07"},
	{id: hexBytes("12f5f28c457168a9702d9fe274cc0100"), name: "CISCO-UNITY"},
	{id: hexBytes("09002689dfd6b712"), name: "XAUTH"},
	{id: hexBytes("4048b7d56ebce88525e7de7f00d6c2d3"), prefix: true, name: "Cisco Fragmentation"},
	{id: hexBytes("1e2b516905991c7d7c96fcbfb587e461"), prefix: true, name: "MS NT5 ISAKMPOAKLEY"},
	{id: hexBytes("7003cbc1097dbe9c2600ba6983bc8b35"), name: "KAME/racoon"},
	{id: []byte("CISCO-DELETE-REASON"), name: "Cisco Delete Reason Supported"},
	{id: []byte("CISCOVPN-REV-02"), name: "Cisco VPN Revision 2"},
	{id: []byte("CISCO-DYNAMIC-ROUTE"), name: "Cisco Dynamic Route Supported"},
	{id: []byte("FLEXVPN-SUPPORTED"), name: "Cisco FlexVPN Supported"},
}

// unknownVendor is what an ID nobody is known to use shows, as in tshark.
const unknownVendor = "Unknown Vendor ID"

// VendorName names a Vendor ID, or returns "Unknown Vendor ID".
func VendorName(id []byte) string {
	for _, v := range knownVendors {
		if bytes.Equal(id, v.id) || v.prefix && bytes.HasPrefix(id, v.id) {
			return v.name
		}
	}
	return unknownVendor
}

func hexBytes(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		b[i] = unhex(s[2*i])<<4 | unhex(s[2*i+1])
	}
	return b
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}
