package ikev2

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	dike "github.com/v6scope/v6scope/decode/ikev2"
)

// kindRun is what one run over a capture said of its INFORMATIONAL
// requests and IKE SAs.
type kindRun struct {
	kinds    map[string]string // by IKE SA, side, Message ID and frame
	byHeader map[string]bool
	rec      *recorder
	trs      []analyze.Transition
}

type trSink struct {
	*recorder
	trs *[]analyze.Transition
}

func (s trSink) Transition(t *analyze.Transition) {
	c := *t
	c.Evidence = nil
	*s.trs = append(*s.trs, c)
	s.recorder.Transition(t)
}

// runKinds analyzes path with the IKEv2 tracker alone, with the key
// table at keys ("" for none), recording the kind given to each
// INFORMATIONAL request.
func runKinds(t *testing.T, path, keys string) *kindRun {
	t.Helper()
	r := &kindRun{kinds: map[string]string{}, byHeader: map[string]bool{}, rec: &recorder{sessions: map[string]analyze.Session{}}}
	e := analyze.New(trSink{r.rec, &r.trs})
	tr := New(e, Config{})
	tr.kindHook = func(s *sa, side int, x *exchange) {
		k := s.spiI() + "/" + strconv.Itoa(side) + "/" + strconv.FormatUint(uint64(x.mid), 10) + "@" + strconv.Itoa(x.reqFrame)
		r.kinds[k] = xkindNames[x.kind]
		r.byHeader[k] = x.byHeader
	}
	e.Add(tr)
	d := decode.New()
	if keys != "" {
		f, err := os.Open(keys)
		if err != nil {
			t.Fatal(err)
		}
		k, err := dike.ReadKeyTable(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", keys, err)
		}
		d.SetIKEv2Keys(k)
	}
	rd, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var fr capture.Frame
	decoded := make([]gopacket.LayerType, 0, 16)
	for {
		if err := rd.Next(&fr); err != nil {
			if err != io.EOF {
				t.Logf("%s: %v (stopping there)", path, err)
			}
			break
		}
		_ = d.Fast(&fr, &decoded)
		e.Observe(&fr, decoded, d)
	}
	e.Finish()
	return r
}

// TestHeaderAgreesWithKeysOnCaptures runs every capture that comes with
// its keys twice: with them, and without, where an INFORMATIONAL
// request's kind comes from its Encrypted payload's clear Next Payload
// (RFC 7296 §3.14). On every request the header settled, the kind must
// be the one the decrypted payloads give; an SA the header showed using
// EAP must be one the keys show using it; and the IKE SA transitions
// that cite the header must be ones the keyed run makes too (same
// session, state and frame).
func TestHeaderAgreesWithKeysOnCaptures(t *testing.T) {
	type capt struct{ name, pcap, keys string }
	caps := []capt{
		{"strongswan", "../../pcaps/ikev2-strongswan.pcapng", "../../pcaps/ikev2-strongswan.ikev2_decryption_table"},
		{"strongswan-nat", "../../pcaps/ikev2-strongswan-nat.pcapng", "../../pcaps/ikev2-strongswan.ikev2_decryption_table"},
		{"mixed", "../../pcaps/mixed.pcapng", "../../pcaps/mixed.ikev2_decryption_table"},
	}
	dir := "../../../shared/corpus/ikev2"
	if _, err := os.Stat(dir); err == nil {
		caps = append(caps,
			capt{"wiki_natt", filepath.Join(dir, "wiki_ipsec_ikev2_natt", "capture.pcapng"), filepath.Join(dir, "wiki_ipsec_ikev2_natt", "ikev2_decryption_table")},
			capt{"td_ikev2pI2", filepath.Join(dir, "td_ikev2pI2.pcap"), filepath.Join(dir, "td_ikev2pI2-secrets.txt")},
		)
	} else if os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" {
		t.Fatalf("corpus %s missing: %v", dir, err)
	} else {
		t.Logf("corpus %s not present: pcaps/ only", dir)
	}
	total := 0
	for _, c := range caps {
		t.Run(c.name, func(t *testing.T) {
			keyed := runKinds(t, c.pcap, c.keys)
			bare := runKinds(t, c.pcap, "")
			n := 0
			for k, kind := range bare.kinds {
				if !bare.byHeader[k] {
					continue
				}
				n++
				if want, ok := keyed.kinds[k]; !ok || want != kind {
					t.Errorf("%s: without keys %q, with keys %q", k, kind, want)
				}
			}
			for id, s := range bare.rec.sessions {
				if s.Kind == "ike_sa" && attrOf(s, "eap") == true && attrOf(keyed.rec.sessions[id], "eap") != true {
					t.Errorf("%s: EAP by header, not with keys", id)
				}
			}
			for _, tr := range bare.trs {
				if tr.Kind != "ike_sa" || !viaHeader(tr.Reason) {
					continue
				}
				found := false
				for _, k := range keyed.trs {
					if k.Session == tr.Session && k.To == tr.To && k.Frame == tr.Frame {
						found = true
					}
				}
				if !found {
					t.Errorf("without keys %s %s→%s at frame %d (%s), not so with keys", tr.Session, tr.From, tr.To, tr.Frame, tr.Reason)
				}
			}
			t.Logf("%d INFORMATIONAL requests settled by the header, %d with keys", n, len(keyed.kinds))
			total += n
		})
	}
	if total == 0 {
		t.Error("no request settled by the header: the test compared nothing")
	}
}
