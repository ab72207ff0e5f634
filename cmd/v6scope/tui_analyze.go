package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	andd "github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui/model"
)

// engineAnalyzer runs the analysis engine (the trackers analyze runs, with
// its default settings) for the terminal UI's sessions and anomalies panes.
type engineAnalyzer struct{}

// analyzer is the session analysis the UI runs.
func analyzer() model.Analyzer { return engineAnalyzer{} }

// tuiAnalyzeOptions are the engine settings the UI analyses with: analyze's
// defaults.
func tuiAnalyzeOptions() *analyzeOptions {
	return &analyzeOptions{protos: analyzers, reachable: andd.DefaultReachableTime, retrans: andd.DefaultRetransTimer,
		delayFirstProbe: andd.DefaultDelayFirstProbe, teredo: true}
}

func (engineAnalyzer) Analyze(ctx context.Context, src model.Source, progress func(done, total int)) (*model.Analysis, error) {
	c := &collector{byKey: map[string]int{}}
	eng, err := newEngine(tuiAnalyzeOptions(), c)
	if err != nil {
		return nil, err
	}
	eng.Annotate(true)
	d := decode.New()
	var (
		f       capture.Frame
		decoded = make([]gopacket.LayerType, 0, 16)
	)
	total := src.Len()
	for n := 1; n <= total; n++ {
		if n&4095 == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			progress(n, total)
		}
		if err := src.ReadFrame(n, &f); err != nil {
			break
		}
		_ = d.Fast(&f, &decoded)
		eng.Observe(&f, decoded, d)
		c.marks(eng, n)
	}
	eng.Finish()
	progress(total, total)
	return c.result(), nil
}

// collector is the analyze.Sink that builds the model's Analysis.
type collector struct {
	a     model.Analysis
	byKey map[string]int
	// changed is set by every record and mark (live snapshots read it).
	changed bool
}

// marks adds frame n to the sessions the engine says it touched.
func (c *collector) marks(eng *analyze.Engine, n int) {
	for _, m := range eng.Marks() {
		s := c.session(m.Proto, "", m.Session)
		if k := len(s.Frames); k == 0 || s.Frames[k-1] != n {
			s.Frames = append(s.Frames, n)
		}
		s.State = m.State
		c.changed = true
	}
}

func (c *collector) session(proto, kind, id string) *model.Session {
	c.changed = true
	k := proto + "\x00" + id
	i, ok := c.byKey[k]
	if !ok {
		i = len(c.a.Sessions)
		c.byKey[k] = i
		c.a.Sessions = append(c.a.Sessions, model.Session{Proto: proto, Kind: kind, ID: output.Safe(id)})
	}
	s := &c.a.Sessions[i]
	if s.Kind == "" {
		s.Kind = kind
	}
	return s
}

func (c *collector) Transition(t *analyze.Transition) {
	s := c.session(t.Proto, t.Kind, t.Session)
	tr := model.Transition{Frame: t.Frame, Time: t.Time, From: t.From, To: t.To, Basis: t.Basis.String()}
	if t.Reason != nil {
		tr.Reason, tr.Explain = t.Reason.String(), t.Reason.Explain()
	}
	s.Transitions = append(s.Transitions, tr)
	s.State = t.To
}

func (c *collector) Anomaly(a *analyze.Anomaly) {
	key := ""
	if a.Session != "" {
		if i, ok := c.byKey[a.Proto+"\x00"+a.Session]; ok {
			key = c.a.Sessions[i].Key()
		}
	}
	c.a.Anomalies = append(c.a.Anomalies, model.Anomaly{Proto: a.Proto, Code: a.Code, Severity: a.Severity.String(),
		Session: key, Frame: a.Frame, Time: a.Time, Message: output.Safe(a.Message), RFC: a.RFC})
}

func (c *collector) Session(r *analyze.Session) {
	s := c.session(r.Proto, r.Kind, r.ID)
	s.State, s.FirstFrame, s.LastFrame = r.State, r.FirstFrame, r.LastFrame
	s.Attrs = s.Attrs[:0]
	for _, at := range r.Attrs {
		s.Attrs = append(s.Attrs, output.Safe(at.Key+"="+attrString(at.Val)))
	}
}

// result returns the analysis so far, as a copy the collector does not
// change afterwards: the slices that only grow (frames, transitions) are
// shared up to their length, the rest is copied, so a live capture can
// snapshot it while the engine goes on.
func (c *collector) result() *model.Analysis {
	a := &model.Analysis{Note: c.a.Note}
	a.Sessions = make([]model.Session, len(c.a.Sessions))
	for i := range c.a.Sessions {
		s := &a.Sessions[i]
		*s = c.a.Sessions[i]
		s.Frames = s.Frames[:len(s.Frames):len(s.Frames)]
		s.Transitions = s.Transitions[:len(s.Transitions):len(s.Transitions)]
		s.Attrs = append([]string(nil), s.Attrs...)
		if len(s.Frames) > 0 {
			if s.FirstFrame == 0 || s.Frames[0] < s.FirstFrame {
				s.FirstFrame = s.Frames[0]
			}
			s.LastFrame = max(s.LastFrame, s.Frames[len(s.Frames)-1])
		}
	}
	sort.SliceStable(a.Sessions, func(i, j int) bool {
		x, y := &a.Sessions[i], &a.Sessions[j]
		if x.Proto != y.Proto {
			return x.Proto < y.Proto
		}
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.FirstFrame < y.FirstFrame
	})
	a.Anomalies = append([]model.Anomaly(nil), c.a.Anomalies...)
	sort.SliceStable(a.Anomalies, func(i, j int) bool { return a.Anomalies[i].Frame < a.Anomalies[j].Frame })
	if len(a.Sessions) == 0 && a.Note == "" {
		a.Note = "no sessions: the analysis covers " + joinComma(analyzers) + " so far"
	}
	return a
}

func attrString(v any) string {
	switch x := v.(type) {
	case []string:
		return "[" + joinComma(x) + "]"
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
