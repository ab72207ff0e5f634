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

func (engineAnalyzer) Analyze(ctx context.Context, src model.Source, progress func(done, total int)) (*model.Analysis, error) {
	o := &analyzeOptions{protos: analyzers, reachable: andd.DefaultReachableTime, retrans: andd.DefaultRetransTimer,
		delayFirstProbe: andd.DefaultDelayFirstProbe, teredo: true}
	c := &collector{byKey: map[string]int{}}
	eng, err := newEngine(o, c)
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
		for _, m := range eng.Marks() {
			s := c.session(m.Proto, "", m.Session)
			if k := len(s.Frames); k == 0 || s.Frames[k-1] != n {
				s.Frames = append(s.Frames, n)
			}
			s.State = m.State
		}
	}
	eng.Finish()
	progress(total, total)
	return c.result(), nil
}

// collector is the analyze.Sink that builds the model's Analysis.
type collector struct {
	a     model.Analysis
	byKey map[string]int
}

func (c *collector) session(proto, kind, id string) *model.Session {
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

func (c *collector) result() *model.Analysis {
	for i := range c.a.Sessions {
		s := &c.a.Sessions[i]
		if len(s.Frames) > 0 {
			if s.FirstFrame == 0 || s.Frames[0] < s.FirstFrame {
				s.FirstFrame = s.Frames[0]
			}
			s.LastFrame = max(s.LastFrame, s.Frames[len(s.Frames)-1])
		}
	}
	sort.SliceStable(c.a.Sessions, func(i, j int) bool {
		a, b := &c.a.Sessions[i], &c.a.Sessions[j]
		if a.Proto != b.Proto {
			return a.Proto < b.Proto
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.FirstFrame < b.FirstFrame
	})
	sort.SliceStable(c.a.Anomalies, func(i, j int) bool { return c.a.Anomalies[i].Frame < c.a.Anomalies[j].Frame })
	if len(c.a.Sessions) == 0 {
		c.a.Note = "no sessions: the analysis covers " + joinComma(analyzers) + " so far"
	}
	return &c.a
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
