package main

import (
	"github.com/v6scope/v6scope/analyze"
	andd "github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

// schema is every field read, fields and display filters know: the
// decoders' and the analysis engine's v6scope.* ones.
func schema() *decode.Schema { return decode.NewSchemaWith(analyze.Fields()...) }

// annotator runs the analysis engine beside read, for the v6scope.* fields
// (session, state after the packet, anomaly codes). read makes one only
// when -e or -Y names one of those fields, so that reading stays as fast
// as before otherwise.
type annotator struct{ eng *analyze.Engine }

// newAnnotator returns an annotator when o asks for analysis fields, else
// nil (whose observe does nothing).
func newAnnotator(o *readOptions) *annotator {
	if !analyze.Uses(o.filter, o.fields) {
		return nil
	}
	eng, err := newEngine(&analyzeOptions{protos: analyzers, reachable: andd.DefaultReachableTime,
		retrans: andd.DefaultRetransTimer, delayFirstProbe: andd.DefaultDelayFirstProbe, teredo: o.teredo}, nil)
	if err != nil {
		panic(err) // the defaults are valid
	}
	eng.Annotate(true)
	return &annotator{eng: eng}
}

// observe feeds the packet Decode just filled to the engine and adds what
// it did to the packet's tree.
func (a *annotator) observe(f *capture.Frame, p *decode.Packet, d *decode.Decoder) {
	if a == nil {
		return
	}
	a.eng.Observe(f, p.Layers, d)
	analyze.AppendFields(&p.Tree, a.eng.Marks(), a.eng.Codes())
}
