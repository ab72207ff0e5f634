package ikev2_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	aikev2 "github.com/v6scope/v6scope/analyze/ikev2"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	dike "github.com/v6scope/v6scope/decode/ikev2"
	"github.com/v6scope/v6scope/pcaps"
)

// result keeps what a run produced.
type result struct {
	sessions    map[string]analyze.Session
	transitions []analyze.Transition
	anomalies   []analyze.Anomaly
	espSPIs     map[string]bool // ESP SPIs seen in the capture, 8 hex digits
}

func (r *result) Transition(t *analyze.Transition) {
	c := *t
	c.Evidence = append([]int(nil), t.Evidence...)
	r.transitions = append(r.transitions, c)
}
func (r *result) Anomaly(a *analyze.Anomaly) { r.anomalies = append(r.anomalies, *a) }
func (r *result) Session(s *analyze.Session) {
	c := *s
	c.Attrs = append([]analyze.Attr(nil), s.Attrs...)
	r.sessions[s.ID] = c
}

func (r *result) attr(id, key string) any {
	for _, a := range r.sessions[id].Attrs {
		if a.Key == key {
			return a.Val
		}
	}
	return nil
}

// run analyzes a capture with the IKEv2 tracker alone, with the key table
// at keys ("" for none).
func run(t *testing.T, path, keys string) *result {
	t.Helper()
	r := &result{sessions: map[string]analyze.Session{}, espSPIs: map[string]bool{}}
	e := analyze.New(r)
	e.Add(aikev2.New(e, aikev2.Config{}))
	d := decode.New()
	if keys != "" {
		f, err := os.Open(keys)
		if err != nil {
			t.Fatal(err)
		}
		k, err := dike.ReadKeyTable(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		d.SetIKEv2Keys(k)
	}
	rd, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var f capture.Frame
	decoded := make([]gopacket.LayerType, 0, 16)
	esp, _ := d.Layer(dissect.LayerESP).(*dike.ESP)
	for {
		if err := rd.Next(&f); err != nil {
			if err != io.EOF {
				t.Logf("%s: %v (stopping there)", path, err)
			}
			break
		}
		_ = d.Fast(&f, &decoded)
		for _, l := range decoded {
			if l == dissect.LayerESP && esp != nil {
				r.espSPIs[hex32(esp.SPI)] = true
			}
		}
		e.Observe(&f, decoded, d)
	}
	e.Finish()
	return r
}

func hex32(v uint32) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b)
}

// child finds the Child SA session with these SPIs (either may be
// unknown, ""), among the sessions of the IKE SA spii.
func (r *result) child(spii, toI, toR string) (analyze.Session, bool) {
	for id, s := range r.sessions {
		if s.Kind != "child_sa" || !strings.HasPrefix(id, "ikev2/child_sa/"+spii+"/") {
			continue
		}
		gi, _ := r.attr(id, "spi_to_initiator").(string)
		gr, _ := r.attr(id, "spi_to_responder").(string)
		if (gi == toI || gi == "" && toI == "") && (gr == toR || gr == "" && toR == "") {
			return s, true
		}
	}
	return analyze.Session{}, false
}

// checkExpect compares the IKE SAs of a run with the capture's expect.json
// facts: SPIs, how each was created, final state, and the Child SAs (all
// with keys; without, those whose ESP the capture shows, with the SPIs it
// shows).
func checkExpect(t *testing.T, name string, r *result, keyed bool) {
	t.Helper()
	ex, err := pcaps.Expect(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.IKESAs) == 0 {
		t.Fatalf("%s: no ike_sas facts", name)
	}
	n := 0
	for _, s := range r.sessions {
		if s.Kind == "ike_sa" {
			n++
		}
	}
	if n != len(ex.IKESAs) {
		t.Errorf("%d IKE SAs, want %d", n, len(ex.IKESAs))
	}
	for _, want := range ex.IKESAs {
		id := "ikev2/ike_sa/" + want.SPIi
		got, ok := r.sessions[id]
		if !ok {
			t.Errorf("IKE SA %s (%s) not found", want.SPIi, want.Conn)
			continue
		}
		if got.State != want.FinalState {
			t.Errorf("IKE SA %s (%s): final state %s, want %s", want.SPIi, want.Conn, got.State, want.FinalState)
		}
		if v := r.attr(id, "spi_r"); v != want.SPIr {
			t.Errorf("IKE SA %s: spi_r %v, want %s", want.SPIi, v, want.SPIr)
		}
		if v := r.attr(id, "origin"); v != want.Origin {
			t.Errorf("IKE SA %s: origin %v, want %s", want.SPIi, v, want.Origin)
		}
		if want.RekeyOf != "" {
			if v := r.attr(id, "rekey_of"); v != want.RekeyOf {
				t.Errorf("IKE SA %s: rekey_of %v, want %s", want.SPIi, v, want.RekeyOf)
			}
		}
		if got.FirstFrame > want.FirstFrame+1 && want.Origin == "IKE_SA_INIT" || got.LastFrame != want.LastFrame {
			t.Errorf("IKE SA %s: frames %d-%d, want %d-%d", want.SPIi, got.FirstFrame, got.LastFrame, want.FirstFrame, want.LastFrame)
		}
		for _, c := range want.Children {
			toI, toR := c.SPIToInitiator, c.SPIToResponder
			if !keyed {
				if !r.espSPIs[toI] {
					toI = ""
				}
				if !r.espSPIs[toR] {
					toR = ""
				}
				if toI == "" && toR == "" {
					continue // nothing shows it without keys
				}
			}
			gc, ok := r.child(want.SPIi, toI, toR)
			if !ok {
				t.Errorf("IKE SA %s: Child SA %s (%s/%s) not found", want.SPIi, c.Name, toI, toR)
				continue
			}
			if gc.State != c.FinalState {
				t.Errorf("Child SA %s (%s): state %s, want %s", c.Name, gc.ID, gc.State, c.FinalState)
			}
			if inf, _ := r.attr(gc.ID, "inferred").(bool); inf == keyed {
				t.Errorf("Child SA %s: inferred=%v with keyed=%v", c.Name, inf, keyed)
			}
		}
	}
	for _, tr := range r.transitions {
		if keyed && tr.Kind == "child_sa" && tr.Basis == analyze.BasisInferred {
			t.Errorf("with keys, an inferred Child SA transition: %+v", tr)
		}
	}
}

const keyTable = "../../pcaps/ikev2-strongswan.ikev2_decryption_table"

func TestScenarioStrongSwan(t *testing.T) {
	for _, keyed := range []bool{true, false} {
		name := map[bool]string{true: "keys", false: "nokeys"}[keyed]
		t.Run(name, func(t *testing.T) {
			keys := ""
			if keyed {
				keys = keyTable
			}
			r := run(t, "../../pcaps/ikev2-strongswan.pcapng", keys)
			checkExpect(t, "ikev2-strongswan.pcapng", r, keyed)
			psk := "ikev2/ike_sa/8feed27b9d3bd159"
			if v := r.attr(psk, "retry"); v != "COOKIE, INVALID_KE_PAYLOAD (wants Curve25519)" {
				t.Errorf("psk retry %v", v)
			}
			if v := r.attr(psk, "float_frame"); v != 13 {
				t.Errorf("psk float_frame %v, want 13 (first IKE_AUTH on 4500)", v)
			}
			// The initiator (and here the responder) fake their source
			// hash: the verdict must not claim a certain NAT.
			if v := r.attr(psk, "nat_initiator"); v != "behind NAT, or faking NAT_DETECTION_SOURCE_IP to force UDP encapsulation" {
				t.Errorf("psk nat_initiator %v", v)
			}
			dead := "ikev2/ike_sa/745332d2b4edb0d7"
			if v := r.attr(dead, "retransmissions"); v != 2 {
				t.Errorf("dead peer: retransmissions %v, want 2", v)
			}
			codes := map[string]int{}
			for _, a := range r.anomalies {
				codes[a.Code]++
			}
			if codes["ikev2.peer_unresponsive"] != 1 || codes["ikev2.retransmission"] != 2 {
				t.Errorf("anomalies %v", codes)
			}
			for _, c := range []string{"ikev2.half_open", "ikev2.msgid_gap", "ikev2.msgid_reuse", "ikev2.response_without_request"} {
				if codes[c] != 0 {
					t.Errorf("unexpected %s ×%d", c, codes[c])
				}
			}
		})
	}
}

func TestScenarioStrongSwanNAT(t *testing.T) {
	for _, keyed := range []bool{true, false} {
		name := map[bool]string{true: "keys", false: "nokeys"}[keyed]
		t.Run(name, func(t *testing.T) {
			keys := ""
			if keyed {
				keys = keyTable
			}
			r := run(t, "../../pcaps/ikev2-strongswan-nat.pcapng", keys)
			checkExpect(t, "ikev2-strongswan-nat.pcapng", r, keyed)
			id := "ikev2/ike_sa/6ae9e9378a173290"
			// Seen on both sides of the NAT: the responder's destination
			// hash matches the outside address, not the inside one.
			if v := r.attr(id, "nat_initiator"); v != "behind NAT" {
				t.Errorf("nat_initiator %v, want behind NAT", v)
			}
			if v := r.attr(id, "float_frame"); v != 9 {
				t.Errorf("float_frame %v, want 9", v)
			}
			for _, a := range r.anomalies {
				if a.Code == "ikev2.retransmission" || a.Code == "ikev2.msgid_reuse" {
					t.Errorf("a message seen on both sides of the NAT taken for a resend: %+v", a)
				}
			}
		})
	}
}

// corpus is the shared corpus of public captures (present in CI).
func corpus(t *testing.T) string {
	dir := "../../../shared/corpus/ikev2"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" {
			t.Fatalf("corpus %s missing: %v", dir, err)
		}
		t.Skipf("corpus %s not present: skipping", dir)
	}
	return dir
}

// TestCorpus runs every IKEv2 capture of the corpus: no panic, states from
// the vocabulary, every IKE SA that completed IKE_AUTH leaves the INIT
// states.
func TestCorpus(t *testing.T) {
	dir := corpus(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.pcap*"))
	files = append(files, filepath.Join(dir, "wiki_ipsec_ikev2_natt", "capture.pcapng"))
	valid := map[string]bool{"INIT_SENT": true, "INIT_RETRY": true, "INIT_DONE": true, "AUTH_SENT": true, "ESTABLISHED": true, "REKEYING": true, "DELETED": true, "FAILED": true,
		"CREATING": true, "INSTALLED": true, "REKEYED": true}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := run(t, f, "")
			for id, s := range r.sessions {
				if !valid[s.State] {
					t.Errorf("%s: state %q", id, s.State)
				}
			}
		})
	}
}

// TestCorpusNATTWithKeys: the Wireshark wiki's NAT-T capture (three IKE
// SAs from a client behind a NAT, AES-GCM, AES-CTR, AES-CBC) with its key
// table. The client starts on UDP 4500 from a NATed port and sends no
// NAT_DETECTION payloads, so there is no float and no NAT verdict; each SA
// is established, its Child SA read from the SA payloads, then both
// deleted.
func TestCorpusNATTWithKeys(t *testing.T) {
	dir := filepath.Join(corpus(t), "wiki_ipsec_ikev2_natt")
	r := run(t, filepath.Join(dir, "capture.pcapng"), filepath.Join(dir, "ikev2_decryption_table"))
	sas := 0
	for id, s := range r.sessions {
		if s.Kind != "ike_sa" {
			continue
		}
		sas++
		if s.State != "DELETED" {
			t.Errorf("%s: state %s, want DELETED", id, s.State)
		}
		if v := r.attr(id, "nat"); v != "not evaluated" {
			t.Errorf("%s: nat %v", id, v)
		}
		if v := r.attr(id, "decrypted"); v != true {
			t.Errorf("%s: not decrypted", id)
		}
		kids, _ := r.attr(id, "children").([]string)
		if len(kids) != 1 {
			t.Errorf("%s: children %v, want 1", id, kids)
		}
		for _, k := range kids {
			if r.sessions[k].State != "DELETED" || r.attr(k, "spi_to_initiator") == nil || r.attr(k, "spi_to_responder") == nil {
				t.Errorf("%s: %+v", k, r.sessions[k])
			}
		}
	}
	if sas != 3 {
		t.Errorf("%d IKE SAs, want 3", sas)
	}
	for _, tr := range r.transitions {
		if tr.Basis != analyze.BasisObserved {
			t.Errorf("with keys, %+v", tr)
		}
	}
}

// TestCorpusNDPIOutOfOrder: nDPI's IPsec sample stores each IKE SA's UDP
// 500 exchanges (IKE_SA_INIT, COOKIE, IKE_SA_INIT again, its response)
// after its UDP 4500 ones, although their timestamps are earlier: for
// b64ef32131a48952 tshark shows frame 16 (IKE_SA_INIT, Message ID 0) at
// -0.101 s relative to frame 1 (IKE_AUTH, Message ID 1). Taken in file
// order these were 20 msgid_reuse anomalies (10 SAs × the request and its
// cookie retry); in time order nothing is reused, so none may be raised.
// The same SAs run EAP: IKE_AUTH takes three rounds (Message IDs 1-3;
// frames 1-6), and the SA is established at the last response, frame 6.
func TestCorpusNDPIOutOfOrder(t *testing.T) {
	r := run(t, filepath.Join(corpus(t), "ndpi_ipsec_isakmp_esp.pcap"), "")
	for _, a := range r.anomalies {
		if a.Code == "ikev2.msgid_reuse" || a.Code == "ikev2.msgid_gap" {
			t.Errorf("%+v", a)
		}
	}
	id := "ikev2/ike_sa/b64ef32131a48952"
	if v := r.attr(id, "origin"); v != "IKE_SA_INIT" {
		t.Errorf("origin %v", v)
	}
	if v := r.attr(id, "retry"); v != "COOKIE" {
		t.Errorf("retry %v", v)
	}
	if v := r.attr(id, "auth_rounds"); v != 3 {
		t.Errorf("auth_rounds %v", v)
	}
	for _, tr := range r.transitions {
		if tr.Session == id && tr.To == "ESTABLISHED" && tr.Frame != 6 {
			t.Errorf("established at frame %d, want 6", tr.Frame)
		}
	}
	if r.sessions[id].State != "ESTABLISHED" {
		t.Errorf("state %s", r.sessions[id].State)
	}
}

// TestCorpusIntermediate: suricata-verify's detect-bypass-udp capture
// begins with IKE_INTERMEDIATE (Message IDs 1-3, fragmented) before
// IKE_AUTH (4): the SA is first placed in INIT_DONE, not ESTABLISHED, and
// no Message ID anomaly is raised.
func TestCorpusIntermediate(t *testing.T) {
	r := run(t, filepath.Join(corpus(t), "sv_detect-bypass-udp.pcap"), "")
	id := "ikev2/ike_sa/9954b95199427f30"
	if len(r.transitions) == 0 || r.transitions[0].To != "INIT_DONE" {
		t.Fatalf("transitions %+v", r.transitions)
	}
	if v := r.attr(id, "intermediate_exchanges"); v != 3 {
		t.Errorf("intermediate_exchanges %v, want 3", v)
	}
	for _, a := range r.anomalies {
		if a.Code == "ikev2.msgid_reuse" || a.Code == "ikev2.msgid_gap" {
			t.Errorf("%+v", a)
		}
	}
}

// TestCorpusAH: nDPI's ah.pcapng, IKE_SA_INIT and IKE_AUTH, then AH-
// protected ICMP (IPv4 protocol 51; tshark: ah.spi 0x604816f6 from the
// initiator 10.2.3.2, 0xaf8683ef back). Without keys the Child SA is known
// from the AH alone: protocol AH, both SPIs.
func TestCorpusAH(t *testing.T) {
	r := run(t, filepath.Join(corpus(t), "ndpi_ah.pcapng"), "")
	n := 0
	for id, s := range r.sessions {
		if s.Kind != "child_sa" {
			continue
		}
		n++
		if r.attr(id, "protocol") != "AH" || r.attr(id, "spi_to_responder") != "604816f6" || r.attr(id, "spi_to_initiator") != "af8683ef" || s.State != "INSTALLED" {
			t.Errorf("%s %s %v", id, s.State, s.Attrs)
		}
	}
	if n != 1 {
		t.Errorf("%d Child SAs, want 1", n)
	}
}

// TestCorpusCaptureDuplicates: suricata-verify's detect-bypass-udp
// capture holds every IKE frame twice, 2-15 µs apart, with the same IPv4
// Identification and the same UDP payload (tshark -T fields -e ip.id -e
// udp.payload: 33 distinct pairs in 66 frames). The second copies are no
// retransmissions (the tracker used to raise 4 ikev2.retransmission, one
// per request, fragment 1 of the fragmented ones); all 33 are counted as
// capture duplicates.
func TestCorpusCaptureDuplicates(t *testing.T) {
	r := run(t, filepath.Join(corpus(t), "sv_detect-bypass-udp.pcap"), "")
	id := "ikev2/ike_sa/9954b95199427f30"
	for _, a := range r.anomalies {
		if a.Code == "ikev2.retransmission" {
			t.Errorf("%+v", a)
		}
	}
	if v := r.attr(id, "capture_duplicates"); v != 33 {
		t.Errorf("capture_duplicates %v, want 33", v)
	}
	if v := r.attr(id, "retransmissions"); v != nil {
		t.Errorf("retransmissions %v, want none", v)
	}
	if s := r.sessions[id]; s.LastFrame != 66 {
		t.Errorf("last frame %d, want 66", s.LastFrame)
	}
}
