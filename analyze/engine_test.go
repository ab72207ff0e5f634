package analyze_test

import (
	"slices"
	"testing"

	"github.com/v6scope/v6scope/analyze"
)

// sinkRecorder keeps the evidence of every transition it is given.
type sinkRecorder struct{ evidence [][]int }

func (r *sinkRecorder) Transition(t *analyze.Transition) {
	r.evidence = append(r.evidence, slices.Clone(t.Evidence))
}
func (r *sinkRecorder) Anomaly(*analyze.Anomaly) {}
func (r *sinkRecorder) Session(*analyze.Session) {}

// TestEvidenceHasNoFrameZero: frames count from 1, so a 0 a tracker passes
// for a packet it never saw (a response that did not come) is left out of
// the evidence; the other frames keep their order.
func TestEvidenceHasNoFrameZero(t *testing.T) {
	rec := &sinkRecorder{}
	e := analyze.New(rec)
	for _, ev := range [][]int{{3, 0, 5}, {0}, {7, 8}, nil} {
		e.Transition(&analyze.Transition{Proto: "ikev2", Kind: "ike_sa", Session: "s", To: "DELETED", Reason: code(0), Evidence: ev})
	}
	want := [][]int{{3, 5}, {}, {7, 8}, nil}
	for i := range want {
		if !slices.Equal(rec.evidence[i], want[i]) {
			t.Errorf("transition %d: evidence %v, want %v", i+1, rec.evidence[i], want[i])
		}
	}
}
