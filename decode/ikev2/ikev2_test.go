package ikev2_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode/ikev2"
	dt "github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/output"
)

// notify builds a Notify body: protocol 0, no SPI, type, data.
func notify(typ uint16, data ...byte) []byte {
	return append([]byte{0, 0, byte(typ >> 8), byte(typ)}, data...)
}

var idFQDN = append([]byte{2, 0, 0, 0}, "ini.ike.v6scope.example"...)

// TestEdgeCases covers the header, the chain and its expert notes with
// crafted messages, RFC boundary values included.
func TestEdgeCases(t *testing.T) {
	nonce16 := bytes.Repeat([]byte{0x11}, 16)
	cases := []struct {
		name   string
		frame  []byte
		note   string            // expert note code expected ("" none)
		values map[string]string // -T fields values expected
	}{
		{"IKE_SA_INIT on 500", udp6(500, 500, msg(40, 34, 0x08, 0, chain(pl{40, false, nonce16}, pl{41, false, notify(16430)}))), "",
			map[string]string{"isakmp.exchangetype": "34", "isakmp.flag_i": "1", "isakmp.typepayload": "40,41", "isakmp.notify.msgtype": "16430", "isakmp.notify.data": "<MISSING>", "isakmp.nonce": strings.Repeat("11", 16)}},
		{"non-ESP marker on 4500", udp6(4500, 4500, append([]byte{0, 0, 0, 0}, msg(40, 37, 0x20, 7, chain(pl{40, false, nonce16}))...)), "",
			map[string]string{"isakmp.messageid": "0x00000007", "isakmp.flag_r": "1", "udpencap.non_esp_marker": "1"}},
		{"NAT keepalive", udp6(4500, 4500, []byte{0xff}), "", map[string]string{"udpencap.nat_keepalive": "1"}},
		{"ESP in UDP", udp6(4500, 4500, []byte{0x89, 0x69, 0x83, 0x74, 0, 0, 0, 2, 1, 2, 3, 4}), "", map[string]string{"esp.spi": "0x89696374"[:0] + "0x89698374", "esp.sequence": "2"}},
		{"ESP cut short", udp6(4500, 4500, []byte{0x89, 0x69, 0x83}), "esp.truncated", nil},
		{"IKEv1 header", udp6(500, 500, func() []byte { m := msg(1, 2, 0, 0, chain(pl{1, false, []byte{0, 0, 0, 1}})); m[17] = 0x10; return m }()), "isakmp.ikev1",
			map[string]string{"isakmp.mjver": "0x01", "v6scope.isakmp.ikev1": "1", "isakmp.exchangetype": "2"}},
		{"unknown version", udp6(500, 500, func() []byte { m := msg(0, 34, 0, 0, nil); m[17] = 0x30; return m }()), "isakmp.version.unknown", nil},
		{"header cut short", udp6(500, 500, msg(0, 34, 0, 0, nil)[:20]), "isakmp.truncated", nil},
		{"Length below the header", udp6(500, 500, func() []byte { m := msg(0, 34, 0, 0, nil); m[27] = 20; return m }()), "isakmp.length.bad", nil},
		{"Length beyond the datagram", udp6(500, 500, func() []byte { m := msg(40, 34, 0, 0, chain(pl{40, false, nonce16})); m[27] += 10; return m }()), "isakmp.length.bad", nil},
		{"extra bytes after Length", udp6(500, 500, append(msg(40, 34, 0, 0, chain(pl{40, false, nonce16})), 1, 2, 3)), "isakmp.length.short", nil},
		{"payload length below 4", udp6(500, 500, msg(40, 34, 0, 0, []byte{0, 0, 0, 2, 9, 9})), "isakmp.payload.length_bad", nil},
		{"chain overruns the message", udp6(500, 500, msg(40, 34, 0, 0, []byte{0, 0, 0, 40, 1, 2, 3, 4})), "isakmp.payload.overrun", nil},
		{"chain names a payload after the end", udp6(500, 500, msg(40, 34, 0, 0, func() []byte { c := chain(pl{40, false, nonce16}); c[0] = 41; return c }())), "isakmp.payload.overrun", nil},
		{"unknown critical payload", udp6(500, 500, msg(99, 34, 0, 0, chain(pl{99, true, []byte{1, 2}}, pl{40, false, nonce16}))), "isakmp.payload.unknown_critical",
			map[string]string{"isakmp.typepayload": "99,40", "isakmp.criticalpayload": "1,0"}},
		{"unknown non-critical payload skipped", udp6(500, 500, msg(99, 34, 0, 0, chain(pl{99, false, []byte{1, 2}}, pl{40, false, nonce16}))), "",
			map[string]string{"isakmp.typepayload": "99,40", "isakmp.datapayload": "0102"}},
		{"nonce too short", udp6(500, 500, msg(40, 34, 0, 0, chain(pl{40, false, []byte{1}}))), "isakmp.nonce.size", nil},
		{"INVALID_KE_PAYLOAD", udp6(500, 500, msg(41, 34, 0x20, 0, chain(pl{41, false, notify(17, 0, 31)}))), "",
			map[string]string{"isakmp.notify.data.accepted_dh_group": "31"}},
		{"SIGNATURE_HASH_ALGORITHMS", udp6(500, 500, msg(41, 34, 0x08, 0, chain(pl{41, false, notify(16431, 0, 2, 0, 3, 0, 4)}))), "",
			map[string]string{"isakmp.notify.data.signature_hash_algorithms": "2,3,4"}},
		{"COOKIE", udp6(500, 500, msg(41, 34, 0x20, 0, chain(pl{41, false, notify(16390, 1, 2, 3, 4)}))), "",
			map[string]string{"v6scope.isakmp.notify.cookie": "01020304"}},
		{"NAT_DETECTION of the wrong size", udp6(500, 500, msg(41, 34, 0x08, 0, chain(pl{41, false, notify(16388, 1, 2)}))), "isakmp.notify.nat_hash_size", nil},
		{"REKEY_SA with SPI", udp6(500, 500, msg(41, 36, 0x08, 2, chain(pl{41, false, []byte{3, 4, 0x40, 0x09, 0xbc, 0x32, 0xf7, 0x93}}))), "",
			map[string]string{"isakmp.spi": "bc32f793", "isakmp.notify.protoid": "3"}},
		{"Delete of two ESP SPIs", udp6(500, 500, msg(42, 37, 0x08, 3, chain(pl{42, false, []byte{3, 4, 0, 2, 1, 1, 1, 1, 2, 2, 2, 2}}))), "",
			map[string]string{"isakmp.delete.spi": "01010101,02020202", "isakmp.spinum": "2"}},
		{"Delete claiming more SPIs than it holds", udp6(500, 500, msg(42, 37, 0x08, 3, chain(pl{42, false, []byte{3, 4, 0, 9, 1, 1, 1, 1}}))), "isakmp.payload.too_short", nil},
		{"Vendor ID strongSwan", udp6(500, 500, msg(43, 34, 0x08, 0, chain(pl{43, false, []byte{0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc, 0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb}}))), "",
			map[string]string{"isakmp.vid_string": "strongSwan"}},
		{"ID_IPV6_ADDR", udp6(500, 500, msg(35, 35, 0x08, 1, chain(pl{35, false, append([]byte{5, 0, 0, 0}, make([]byte, 16)...)}))), "",
			map[string]string{"isakmp.id.data.ipv6_addr": "::"}},
		{"ID_IPV4_ADDR too short", udp6(500, 500, msg(35, 35, 0x08, 1, chain(pl{35, false, []byte{1, 0, 0, 0, 10}}))), "isakmp.id.bad", nil},
		{"ID_DER_ASN1_DN readable", udp6(500, 500, msg(35, 35, 0x08, 1, chain(pl{35, false, append([]byte{9, 0, 0, 0}, derDN...)}))), "",
			map[string]string{"v6scope.isakmp.id.dn": "CN=ini.ike.v6scope.example,O=v6scope lab,C=XX"}},
		{"TSi IPv6 range", udp6(500, 500, msg(44, 35, 0x08, 1, chain(pl{44, false, append([]byte{1, 0, 0, 0, 8, 0, 0, 40, 0, 0, 0xff, 0xff}, make([]byte, 32)...)}))), "",
			map[string]string{"isakmp.ts.type": "8", "isakmp.ts.end_port": "65535", "isakmp.ts.start_ipv6": "::"}},
		{"TS selector length wrong", udp6(500, 500, msg(44, 35, 0x08, 1, chain(pl{44, false, []byte{1, 0, 0, 0, 7, 0, 0, 90, 0, 0, 0xff, 0xff}}))), "isakmp.payload.length_bad", nil},
		{"SA with proposal and transforms", udp6(500, 500, msg(33, 34, 0x08, 0, chain(pl{33, false, saBody}))), "",
			map[string]string{"isakmp.tf.id.encr": "12", "isakmp.ike2.attr.key_length": "128", "isakmp.tf.id.dh": "31", "isakmp.typepayload": "33,2,3,3,3"}},
		{"weak DH group", udp6(500, 500, msg(33, 34, 0x08, 0, chain(pl{33, false, []byte{0, 0, 0, 16, 1, 1, 0, 1, 0, 0, 0, 8, 4, 0, 0, 2}}))), "isakmp.dh.weak", nil},
		{"proposal length overruns", udp6(500, 500, msg(33, 34, 0x08, 0, chain(pl{33, false, []byte{0, 0, 0, 99, 1, 1, 0, 0}}))), "isakmp.payload.length_bad", nil},
		{"CP with INTERNAL_IP4_ADDRESS", udp6(500, 500, msg(47, 35, 0x20, 1, chain(pl{47, false, []byte{2, 0, 0, 0, 0, 1, 0, 4, 10, 0, 0, 1}}))), "",
			map[string]string{"isakmp.cfg.type": "2", "isakmp.cfg.attr.internal_ip4_address": "10.0.0.1"}},
		{"EAP Identity request", udp6(500, 500, msg(48, 35, 0x20, 1, chain(pl{48, false, []byte{1, 7, 0, 5, 1}}))), "",
			map[string]string{"eap.code": "1", "eap.type": "1", "eap.id": "7"}},
		{"SK without keys", udp6(500, 500, msg(46, 35, 0x08, 1, chain(pl{46, false, bytes.Repeat([]byte{0xaa}, 48)}))), "",
			map[string]string{"isakmp.enc.data": "1", "v6scope.isakmp.enc.body": strings.Repeat("aa", 48)}},
		{"payloads after SK", udp6(500, 500, msg(46, 35, 0x08, 1, append(chain(pl{46, false, bytes.Repeat([]byte{0xaa}, 48)}), 1, 2, 3, 4))), "isakmp.after_encrypted", nil},
		{"SKF fragment number 0", udp6(4500, 4500, append([]byte{0, 0, 0, 0}, msg(53, 35, 0x08, 1, chain(pl{53, false, append([]byte{0, 0, 0, 2}, make([]byte, 40)...)}))...)), "isakmp.frag.number_invalid", nil},
		{"SKF fragment 3 of 2", udp6(4500, 4500, append([]byte{0, 0, 0, 0}, msg(53, 35, 0x08, 1, chain(pl{53, false, append([]byte{0, 3, 0, 2}, make([]byte, 40)...)}))...)), "isakmp.frag.number_invalid", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := dt.CheckReuse(t, capture.LinkRaw, udp6(500, 500, msg(33, 34, 0x08, 0, chain(pl{33, false, saBody}, pl{40, false, nonce16}))), tc.frame)
			if tc.note != "" && dt.Note(p, tc.note) == nil {
				t.Errorf("no note %s:\n%s", tc.note, dt.Render(p))
			}
			if tc.note == "" && len(p.Notes()) > 0 {
				t.Errorf("unexpected notes %v:\n%s", p.Notes(), dt.Render(p))
			}
			for name, want := range tc.values {
				if got := strings.Join(dt.Values(p, name), ","); got != want {
					t.Errorf("%s = %q, want %q\n%s", name, got, want, dt.Render(p))
				}
			}
		})
	}
}

// saBody is an SA payload body: one IKE proposal, AES-CBC-128, SHA2-256,
// Curve25519.
var saBody = []byte{
	0, 0, 0, 36, 1, 1, 0, 3, // last proposal, length 36, #1, IKE, no SPI, 3 transforms
	3, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0, 128, // ENCR_AES_CBC, key length 128
	3, 0, 0, 8, 3, 0, 0, 12, // AUTH_HMAC_SHA2_256_128
	0, 0, 0, 8, 4, 0, 0, 31, // Curve25519
}

// derDN is CN=ini.ike.v6scope.example, O=v6scope lab, C=XX in DER.
var derDN = []byte{
	0x30, 0x45, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 'X', 'X',
	0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x13, 0x0b, 'v', '6', 's', 'c', 'o', 'p', 'e', ' ', 'l', 'a', 'b',
	0x31, 0x20, 0x30, 0x1e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x17, 'i', 'n', 'i', '.', 'i', 'k', 'e', '.', 'v', '6', 's', 'c', 'o', 'p', 'e', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
}

// algorithms are the SAs the decryption tests use, one per algorithm pair.
var algorithms = []*testSA{
	{enc: "AES-CBC-128 [RFC3602]", integ: "HMAC_SHA2_256_128 [RFC4868]", ei: keyBytes(16, 1), er: keyBytes(16, 2), ai: keyBytes(32, 3), ar: keyBytes(32, 4), ivLen: 16, icvLen: 16, h: sha256.New},
	{enc: "AES-CBC-192 [RFC3602]", integ: "HMAC_SHA1_96 [RFC2404]", ei: keyBytes(24, 1), er: keyBytes(24, 2), ai: keyBytes(20, 3), ar: keyBytes(20, 4), ivLen: 16, icvLen: 12, h: sha1.New},
	{enc: "AES-CBC-256 [RFC3602]", integ: "HMAC_SHA2_384_192 [RFC4868]", ei: keyBytes(32, 1), er: keyBytes(32, 2), ai: keyBytes(48, 3), ar: keyBytes(48, 4), ivLen: 16, icvLen: 24, h: sha512.New384},
	{enc: "AES-CTR-256 [RFC5930]", integ: "HMAC_SHA2_512_256 [RFC4868]", ei: keyBytes(36, 1), er: keyBytes(36, 2), ai: keyBytes(64, 3), ar: keyBytes(64, 4), ivLen: 8, icvLen: 32, h: sha512.New, ctr: true},
	{enc: "AES-CTR-128 [RFC5930]", integ: "HMAC_SHA2_256_128 [RFC4868]", ei: keyBytes(20, 1), er: keyBytes(20, 2), ai: keyBytes(32, 3), ar: keyBytes(32, 4), ivLen: 8, icvLen: 16, h: sha256.New, ctr: true},
	{enc: "AES-GCM-128 with 8 octet ICV [RFC5282]", integ: "NONE [RFC4306]", ei: keyBytes(20, 1), er: keyBytes(20, 2), ai: []byte{}, ar: []byte{}, ivLen: 8, icvLen: 8, gcm: true},
	{enc: "AES-GCM-192 with 12 octet ICV [RFC5282]", integ: "NONE [RFC4306]", ei: keyBytes(28, 1), er: keyBytes(28, 2), ai: []byte{}, ar: []byte{}, ivLen: 8, icvLen: 12, gcm: true},
	{enc: "AES-GCM-256 with 16 octet ICV [RFC5282]", integ: "NONE [RFC4306]", ei: keyBytes(36, 1), er: keyBytes(36, 2), ai: []byte{}, ar: []byte{}, ivLen: 8, icvLen: 16, gcm: true},
}

// TestDecrypt encrypts an IKE_AUTH request and response with every
// algorithm and checks that the inner payloads come out, and that a wrong
// key gives the integrity note and no plaintext.
func TestDecrypt(t *testing.T) {
	inner := chain(pl{35, false, idFQDN}, pl{41, false, notify(16384)})
	for _, sa := range algorithms {
		for _, flags := range []uint8{0x08, 0x20} {
			t.Run(sa.enc+"/"+sa.integ, func(t *testing.T) {
				frame := udp6(4500, 4500, append([]byte{0, 0, 0, 0}, sa.encrypt(35, flags, 1, 35, inner, 0, 0)...))
				p := decodeWith(sa.table(), frame)
				dt.CheckSpans(t, p)
				if got := strings.Join(dt.Values(p, "isakmp.id.data.fqdn"), ","); got != "ini.ike.v6scope.example" {
					t.Fatalf("inner ID %q, want the FQDN:\n%s", got, dt.Render(p))
				}
				if got := strings.Join(dt.Values(p, "isakmp.typepayload"), ","); got != "46,35,41" {
					t.Errorf("payloads %s, want 46,35,41", got)
				}
				if len(p.Notes()) > 0 {
					t.Errorf("notes %v", p.Notes())
				}
				wrong := *sa
				wrong.ei, wrong.er = keyBytes(len(sa.ei), 9), keyBytes(len(sa.er), 9)
				if !sa.gcm {
					wrong.ai, wrong.ar = keyBytes(len(sa.ai), 9), keyBytes(len(sa.ar), 9)
				}
				p = decodeWith(wrong.table(), frame)
				if dt.Note(p, "isakmp.integrity_failed") == nil || len(dt.Values(p, "isakmp.id.data.fqdn")) > 0 {
					t.Errorf("wrong key: want the integrity note and no inner payloads:\n%s", dt.Render(p))
				}
			})
		}
	}
}

// TestReassembly sends an IKE_AUTH request in three encrypted fragments
// (RFC 7383), out of order, and checks that the last one seen carries the
// reassembled payloads and the fragment frames.
func TestReassembly(t *testing.T) {
	sa := algorithms[0]
	inner := chain(pl{35, false, idFQDN}, pl{41, false, notify(16384)}, pl{40, false, bytes.Repeat([]byte{7}, 32)})
	parts := [][]byte{inner[:10], inner[10:40], inner[40:]}
	var frames [][]byte
	for i, part := range parts {
		first := uint8(0)
		if i == 0 {
			first = 35
		}
		frames = append(frames, udp6(4500, 4500, append([]byte{0, 0, 0, 0}, sa.encrypt(35, 0x08, 1, first, part, uint16(i+1), 3)...)))
	}
	p := decodeWith(sa.table(), frames[2], frames[0], frames[1])
	dt.CheckSpans(t, p)
	for name, want := range map[string]string{
		"isakmp.fragment": "2,3,1", "isakmp.fragment.count": "3", "isakmp.reassembled.length": "75",
		"isakmp.id.data.fqdn": "ini.ike.v6scope.example", "isakmp.notify.msgtype": "16384",
	} {
		if got := strings.Join(dt.Values(p, name), ","); got != want {
			t.Errorf("%s = %q, want %q\n%s", name, got, want, dt.Render(p))
		}
	}
	// Two fragments only: nothing reassembled.
	p = decodeWith(sa.table(), frames[0], frames[1])
	if len(dt.Values(p, "isakmp.id.data.fqdn")) > 0 {
		t.Errorf("reassembled without fragment 3:\n%s", dt.Render(p))
	}
}

// TestHostileID checks that control bytes and escape sequences in wire
// strings reach no output raw: -V text, JSON and -T fields.
func TestHostileID(t *testing.T) {
	evil := append([]byte{2, 0, 0, 0}, "evil\x1b[2J\x07\r\nhost\x00"...)
	vid := []byte("\x1b]0;pwned\x07")
	p := dt.Decode(capture.LinkRaw, udp6(500, 500, msg(35, 35, 0x08, 1, chain(pl{35, false, evil}, pl{43, false, vid}))))
	if got := dt.Values(p, "isakmp.id.data.fqdn"); len(got) != 1 || !strings.Contains(got[0], "evil\x1b") {
		t.Fatalf("the field should keep the wire bytes: %q", got)
	}
	text := output.AppendTree(nil, p, true)
	js, err := output.AppendJSON(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	ff := output.NewFieldsFormat([]string{"isakmp.id.data.fqdn", "isakmp.vid_bytes"})
	fields := ff.AppendRow(nil, p)
	for name, out := range map[string][]byte{"text": text, "json": js, "fields": fields} {
		for _, c := range out {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				t.Errorf("%s output holds control byte %#x:\n%q", name, c, out)
				break
			}
		}
	}
}

func TestReadKeyTable(t *testing.T) {
	good := "# comment\n\n" + uatLine(algorithms[0]) + "ikev2 I 0x0001020304050607 0xc02e7a3031a03188 sha1:0x4ea8e662b07cdd430f6944c6723e4b82d5722418 aes128:0x3f44bf47cafd8150591deb088199fcbf\n" +
		"ikev2 R 0x0001020304050607 0xc02e7a3031a03188 sha1:0x515b0bd22e6d76b34fdb760aa7bfad80b109b75d aes128:0xbedb67ec7dc3d00cccac42e70cd63bde\n"
	k, err := ikev2.ReadKeyTable(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if k.Len() != 2 || k.Lookup(ispi, rspi) == nil {
		t.Fatalf("%d SAs, want 2 with the crafted one", k.Len())
	}
	if lines := k.UATLines(); !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "0001020304050607,c02e7a3031a03188,") }) {
		t.Errorf("UAT lines %q lack the tcpdump SA", lines)
	}
	for name, bad := range map[string]string{
		"fields":        "a,b,c\n",
		"spi":           "0102,c02e7a3031a03188,00,00,\"AES-CBC-128 [RFC3602]\",00,00,\"HMAC_SHA1_96 [RFC2404]\"\n",
		"algorithm":     hexs(ispi[:]) + "," + hexs(rspi[:]) + ",00,00,\"3DES [RFC2451]\",00,00,\"HMAC_SHA1_96 [RFC2404]\"\n",
		"key length":    hexs(ispi[:]) + "," + hexs(rspi[:]) + ",0011,0011,\"AES-CBC-128 [RFC3602]\",00,00,\"HMAC_SHA1_96 [RFC2404]\"\n",
		"one direction": "ikev2 I 0x0001020304050607 0xc02e7a3031a03188 sha1:0x4ea8e662b07cdd430f6944c6723e4b82d5722418 aes128:0x3f44bf47cafd8150591deb088199fcbf\n",
		"hex":           hexs(ispi[:]) + "," + hexs(rspi[:]) + ",zz,00,\"AES-CBC-128 [RFC3602]\",00,00,\"HMAC_SHA1_96 [RFC2404]\"\n",
	} {
		if _, err := ikev2.ReadKeyTable(strings.NewReader(bad)); !errors.Is(err, ikev2.ErrKeyTable) {
			t.Errorf("%s: err %v, want ErrKeyTable", name, err)
		}
	}
}
