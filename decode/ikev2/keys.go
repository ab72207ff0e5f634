package ikev2

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
)

// ErrKeyTable is wrapped by every error that reading a key table returns.
var ErrKeyTable = errors.New("ikev2 key table")

// cipherKind is how an Encrypted payload is encrypted.
type cipherKind uint8

const (
	cipherNull cipherKind = iota
	cipherCBC             // AES-CBC (RFC 3602, RFC 7296 §3.14)
	cipherCTR             // AES-CTR (RFC 5930)
	cipherGCM             // AES-GCM (RFC 5282)
)

// Encryption is an encryption algorithm of the key table.
type Encryption struct {
	Name    string // as in Wireshark's table, "AES-CBC-128 [RFC3602]"
	kind    cipherKind
	keyLen  int // bytes of SK_e, the salt or nonce included
	saltLen int // bytes at the end of SK_e that are a salt (GCM) or nonce (CTR)
	ivLen   int // bytes of IV in the payload
	icvLen  int // bytes of ICV for AEAD ciphers
}

// Integrity is an integrity algorithm of the key table.
type Integrity struct {
	Name   string // "HMAC_SHA2_256_128 [RFC4868]"
	newH   func() hash.Hash
	keyLen int
	icvLen int // truncated output length
}

// encryptions lists the algorithms v6scope decrypts, by their names in
// Wireshark's ikev2_decryption_table.
var encryptions = []*Encryption{
	{Name: "NULL [RFC2410]", kind: cipherNull},
	{Name: "AES-CBC-128 [RFC3602]", kind: cipherCBC, keyLen: 16, ivLen: aes.BlockSize},
	{Name: "AES-CBC-192 [RFC3602]", kind: cipherCBC, keyLen: 24, ivLen: aes.BlockSize},
	{Name: "AES-CBC-256 [RFC3602]", kind: cipherCBC, keyLen: 32, ivLen: aes.BlockSize},
	{Name: "AES-CTR-128 [RFC5930]", kind: cipherCTR, keyLen: 20, saltLen: 4, ivLen: 8},
	{Name: "AES-CTR-192 [RFC5930]", kind: cipherCTR, keyLen: 28, saltLen: 4, ivLen: 8},
	{Name: "AES-CTR-256 [RFC5930]", kind: cipherCTR, keyLen: 36, saltLen: 4, ivLen: 8},
	{Name: "AES-GCM-128 with 8 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 20, saltLen: 4, ivLen: 8, icvLen: 8},
	{Name: "AES-GCM-192 with 8 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 28, saltLen: 4, ivLen: 8, icvLen: 8},
	{Name: "AES-GCM-256 with 8 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 36, saltLen: 4, ivLen: 8, icvLen: 8},
	{Name: "AES-GCM-128 with 12 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 20, saltLen: 4, ivLen: 8, icvLen: 12},
	{Name: "AES-GCM-192 with 12 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 28, saltLen: 4, ivLen: 8, icvLen: 12},
	{Name: "AES-GCM-256 with 12 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 36, saltLen: 4, ivLen: 8, icvLen: 12},
	{Name: "AES-GCM-128 with 16 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 20, saltLen: 4, ivLen: 8, icvLen: 16},
	{Name: "AES-GCM-192 with 16 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 28, saltLen: 4, ivLen: 8, icvLen: 16},
	{Name: "AES-GCM-256 with 16 octet ICV [RFC5282]", kind: cipherGCM, keyLen: 36, saltLen: 4, ivLen: 8, icvLen: 16},
}

// integrities lists the integrity algorithms (RFC 2404, RFC 4868).
var integrities = []*Integrity{
	{Name: "NONE [RFC4306]"},
	{Name: "HMAC_SHA1_96 [RFC2404]", newH: sha1.New, keyLen: 20, icvLen: 12},
	{Name: "HMAC_SHA2_256_128 [RFC4868]", newH: sha256.New, keyLen: 32, icvLen: 16},
	{Name: "HMAC_SHA2_384_192 [RFC4868]", newH: sha512.New384, keyLen: 48, icvLen: 24},
	{Name: "HMAC_SHA2_512_256 [RFC4868]", newH: sha512.New, keyLen: 64, icvLen: 32},
}

// algName reduces an algorithm name to what identifies it: upper case,
// without the "[RFC…]" reference and spaces, so "aes-cbc-128" and
// "AES-CBC-128 [RFC3602]" match.
func algName(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = s[:i]
	}
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func lookupEncryption(name string) *Encryption {
	for _, e := range encryptions {
		if algName(e.Name) == algName(name) {
			return e
		}
	}
	return nil
}

func lookupIntegrity(name string) *Integrity {
	for _, i := range integrities {
		if algName(i.Name) == algName(name) {
			return i
		}
	}
	return nil
}

// SA holds the keys of one IKE SA (RFC 7296 §2.14): SK_ei and SK_ai
// protect what the original initiator sends, SK_er and SK_ar what the
// responder sends.
type SA struct {
	ISPI, RSPI [8]byte
	EI, ER     []byte
	AI, AR     []byte
	Enc        *Encryption
	Integ      *Integrity

	blockI, blockR cipher.Block
	aeadI, aeadR   cipher.AEAD // GCM with the SA's ICV length (12, 16) or 16 (for 8)
}

// KeyTable maps IKE SAs, by their SPIs, to their keys.
type KeyTable struct {
	sas map[[16]byte]*SA
}

// NewKeyTable returns an empty table.
func NewKeyTable() *KeyTable { return &KeyTable{sas: map[[16]byte]*SA{}} }

// Len returns the number of IKE SAs in the table.
func (k *KeyTable) Len() int { return len(k.sas) }

// Lookup returns the keys of the IKE SA with these SPIs, or nil.
func (k *KeyTable) Lookup(ispi, rspi [8]byte) *SA {
	if k == nil {
		return nil
	}
	var key [16]byte
	copy(key[:8], ispi[:])
	copy(key[8:], rspi[:])
	return k.sas[key]
}

// SAs returns every IKE SA of the table, in no order.
func (k *KeyTable) SAs() []*SA {
	out := make([]*SA, 0, len(k.sas))
	for _, sa := range k.sas {
		out = append(out, sa)
	}
	return out
}

// Add checks an SA's keys against its algorithms, prepares its ciphers and
// adds it, replacing any SA with the same SPIs.
func (k *KeyTable) Add(sa *SA) error {
	if sa.Enc == nil || sa.Integ == nil {
		return fmt.Errorf("%w: SPIs %x/%x: no algorithm", ErrKeyTable, sa.ISPI, sa.RSPI)
	}
	for _, kk := range []struct {
		name string
		key  []byte
		want int
	}{{"SK_ei", sa.EI, sa.Enc.keyLen}, {"SK_er", sa.ER, sa.Enc.keyLen}, {"SK_ai", sa.AI, sa.Integ.keyLen}, {"SK_ar", sa.AR, sa.Integ.keyLen}} {
		if len(kk.key) != kk.want {
			return fmt.Errorf("%w: SPIs %x/%x: %s has %d bytes, %s needs %d", ErrKeyTable, sa.ISPI, sa.RSPI, kk.name, len(kk.key), algOf(kk.name, sa), kk.want)
		}
	}
	if sa.Enc.kind == cipherGCM && sa.Integ.newH != nil {
		return fmt.Errorf("%w: SPIs %x/%x: AES-GCM carries its own integrity; give NONE as the integrity algorithm", ErrKeyTable, sa.ISPI, sa.RSPI)
	}
	if sa.Enc.kind != cipherNull {
		var err error
		if sa.blockI, err = aes.NewCipher(sa.EI[:len(sa.EI)-sa.Enc.saltLen]); err != nil {
			return fmt.Errorf("%w: %v", ErrKeyTable, err)
		}
		if sa.blockR, err = aes.NewCipher(sa.ER[:len(sa.ER)-sa.Enc.saltLen]); err != nil {
			return fmt.Errorf("%w: %v", ErrKeyTable, err)
		}
		if sa.Enc.kind == cipherGCM {
			tag := max(sa.Enc.icvLen, 12)
			if sa.Enc.icvLen == 8 {
				tag = 16 // Go's GCM has no 8-byte tags: the full tag is computed and cut (decrypt.go)
			}
			sa.aeadI, _ = cipher.NewGCMWithTagSize(sa.blockI, tag)
			sa.aeadR, _ = cipher.NewGCMWithTagSize(sa.blockR, tag)
		}
	}
	var key [16]byte
	copy(key[:8], sa.ISPI[:])
	copy(key[8:], sa.RSPI[:])
	k.sas[key] = sa
	return nil
}

func algOf(key string, sa *SA) string {
	if strings.HasPrefix(key, "SK_e") {
		return sa.Enc.Name
	}
	return sa.Integ.Name
}

// ReadKeyTable reads IKE SA keys in either of two formats, line by line:
//
//   - Wireshark's ikev2_decryption_table (the UAT file strongSwan's
//     save-keys plugin writes): Initiator's SPI, Responder's SPI, SK_ei,
//     SK_er, "encryption algorithm", SK_ai, SK_ar, "integrity algorithm",
//     comma-separated, hex without 0x, algorithms named as Wireshark names
//     them ("AES-CBC-128 [RFC3602]", "HMAC_SHA2_256_128 [RFC4868]");
//   - tcpdump's -E secrets for IKEv2 ("ikev2 I 0xSPIi 0xSPIr
//     sha1:0xSK_ai aes128:0xSK_ei" and an R line with SK_ar, SK_er).
//
// Blank lines and lines starting with # are skipped. Errors name the line.
func ReadKeyTable(r io.Reader) (*KeyTable, error) {
	k := NewKeyTable()
	half := map[[16]byte]*SA{} // tcpdump lines waiting for their other direction
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var err error
		if strings.HasPrefix(line, "ikev2 ") {
			err = k.tcpdumpLine(line, half)
		} else {
			err = k.uatLine(line)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyTable, err)
	}
	for _, sa := range half {
		return nil, fmt.Errorf("%w: SPIs %x/%x: tcpdump secrets give only one direction (need an I and an R line)", ErrKeyTable, sa.ISPI, sa.RSPI)
	}
	return k, nil
}

// uatLine reads one record of Wireshark's UAT format: comma-separated,
// each field optionally in double quotes.
func (k *KeyTable) uatLine(line string) error {
	f := splitUAT(line)
	if len(f) != 8 {
		return fmt.Errorf("%w: %d fields, an ikev2_decryption_table line has 8 (SPIi, SPIr, SK_ei, SK_er, encryption, SK_ai, SK_ar, integrity)", ErrKeyTable, len(f))
	}
	sa := &SA{}
	var err error
	if sa.ISPI, err = spi(f[0]); err != nil {
		return err
	}
	if sa.RSPI, err = spi(f[1]); err != nil {
		return err
	}
	if sa.Enc = lookupEncryption(f[4]); sa.Enc == nil {
		return fmt.Errorf("%w: encryption algorithm %q is not one v6scope decrypts (AES-CBC, AES-CTR, AES-GCM, NULL)", ErrKeyTable, f[4])
	}
	if sa.Integ = lookupIntegrity(f[7]); sa.Integ == nil {
		return fmt.Errorf("%w: integrity algorithm %q is not one v6scope checks (HMAC_SHA1_96, HMAC_SHA2_256_128, HMAC_SHA2_384_192, HMAC_SHA2_512_256, NONE)", ErrKeyTable, f[7])
	}
	for _, p := range []struct {
		dst  *[]byte
		s    string
		name string
	}{{&sa.EI, f[2], "SK_ei"}, {&sa.ER, f[3], "SK_er"}, {&sa.AI, f[5], "SK_ai"}, {&sa.AR, f[6], "SK_ar"}} {
		if *p.dst, err = unhexKey(p.s); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrKeyTable, p.name, err)
		}
	}
	return k.Add(sa)
}

func splitUAT(line string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// tcpdumpLine reads "ikev2 I|R 0xSPIi 0xSPIr INTEG:0xSK_a ENC:0xSK_e",
// tcpdump's format (print-isakmp.c's esp secrets for IKEv2).
func (k *KeyTable) tcpdumpLine(line string, half map[[16]byte]*SA) error {
	f := strings.Fields(line)
	if len(f) != 6 || (f[1] != "I" && f[1] != "R") {
		return fmt.Errorf("%w: a tcpdump IKEv2 secret is \"ikev2 I|R 0xSPIi 0xSPIr integ:0xkey enc:0xkey\"", ErrKeyTable)
	}
	ispi, err := spi(f[2])
	if err != nil {
		return err
	}
	rspi, err := spi(f[3])
	if err != nil {
		return err
	}
	var key [16]byte
	copy(key[:8], ispi[:])
	copy(key[8:], rspi[:])
	sa := half[key]
	if sa == nil {
		sa = &SA{ISPI: ispi, RSPI: rspi}
		half[key] = sa
	}
	iname, ikey, ok1 := strings.Cut(f[4], ":")
	ename, ekey, ok2 := strings.Cut(f[5], ":")
	if !ok1 || !ok2 {
		return fmt.Errorf("%w: keys are ALG:0xHEX", ErrKeyTable)
	}
	integ := map[string]string{"sha1": "HMAC_SHA1_96", "sha256": "HMAC_SHA2_256_128", "sha384": "HMAC_SHA2_384_192", "sha512": "HMAC_SHA2_512_256"}[strings.ToLower(iname)]
	enc := map[string]string{"aes128": "AES-CBC-128", "aes192": "AES-CBC-192", "aes256": "AES-CBC-256", "null": "NULL"}[strings.ToLower(ename)]
	if integ == "" || enc == "" {
		return fmt.Errorf("%w: tcpdump algorithms %q/%q: v6scope reads sha1, sha256, sha384, sha512 and aes128, aes192, aes256 (CBC), null", ErrKeyTable, iname, ename)
	}
	sa.Integ, sa.Enc = lookupIntegrity(integ), lookupEncryption(enc)
	a, err := unhexKey(ikey)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrKeyTable, err)
	}
	e, err := unhexKey(ekey)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrKeyTable, err)
	}
	if f[1] == "I" {
		sa.AI, sa.EI = a, e
	} else {
		sa.AR, sa.ER = a, e
	}
	if sa.AI != nil && sa.AR != nil {
		delete(half, key)
		return k.Add(sa)
	}
	return nil
}

func spi(s string) ([8]byte, error) {
	var out [8]byte
	b, err := unhexKey(s)
	if err != nil || len(b) != 8 {
		return out, fmt.Errorf("%w: SPI %q is not 8 bytes of hex", ErrKeyTable, s)
	}
	copy(out[:], b)
	return out, nil
}

func unhexKey(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	s = strings.ReplaceAll(s, ":", "")
	if s == "" {
		return []byte{}, nil
	}
	return hex.DecodeString(s)
}

// AppendUAT appends the table in Wireshark's ikev2_decryption_table format,
// one line per IKE SA, for tshark's -o uat:ikev2_decryption_table:LINE.
func (k *KeyTable) AppendUAT(dst []byte) []byte {
	for _, sa := range k.SAs() {
		dst = fmt.Appendf(dst, "%x,%x,%x,%x,%q,%x,%x,%q\n", sa.ISPI, sa.RSPI, sa.EI, sa.ER, sa.Enc.Name, sa.AI, sa.AR, sa.Integ.Name)
	}
	return dst
}

// UATLines returns AppendUAT's lines.
func (k *KeyTable) UATLines() []string {
	return strings.Split(strings.TrimSuffix(string(k.AppendUAT(nil)), "\n"), "\n")
}
