package model

import (
	"context"
	"time"
)

// Transition is one state change of a session, as the analysis engine
// records it.
type Transition struct {
	Frame    int // the packet that caused it (for a timer, the last one before)
	Time     time.Time
	From, To string // From is "" when the session starts
	Reason   string // stable code: "solicited_na"
	Explain  string // one sentence
	Basis    string // observed, timer or inferred
}

// Session is one protocol session with its history.
type Session struct {
	Proto, Kind, ID string
	State           string // where it is at the end (or now, live)
	FirstFrame      int
	LastFrame       int
	Frames          []int // every packet that touched it, ascending
	Transitions     []Transition
	Attrs           []string // "key=value", sanitized
}

// Key identifies the session among all protocols.
func (s *Session) Key() string { return s.Proto + "/" + s.Kind + "/" + s.ID }

// Anomaly is something a packet or session does that breaks its protocol.
type Anomaly struct {
	Proto, Code string
	Severity    string // chat, note, warning, error
	Session     string // Session.Key, "" when none
	Frame       int
	Time        time.Time
	Message     string
	RFC         string
}

// Analysis is what the sessions and anomalies panes show.
type Analysis struct {
	Sessions  []Session
	Anomalies []Anomaly
	// Note says what the analysis could not do (shown above the lists).
	Note string
}

// Session returns the session with key k, or nil.
func (a *Analysis) Session(k string) *Session {
	if a == nil {
		return nil
	}
	for i := range a.Sessions {
		if a.Sessions[i].Key() == k {
			return &a.Sessions[i]
		}
	}
	return nil
}

// SessionsOf returns the sessions frame n touched.
func (a *Analysis) SessionsOf(n int) []*Session {
	if a == nil {
		return nil
	}
	var out []*Session
	for i := range a.Sessions {
		s := &a.Sessions[i]
		if n < s.FirstFrame || n > s.LastFrame {
			continue
		}
		for _, f := range s.Frames {
			if f == n {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// AnomalyFrames lists the frames with anomalies.
func (a *Analysis) AnomalyFrames() []int {
	if a == nil {
		return nil
	}
	out := make([]int, 0, len(a.Anomalies))
	for _, x := range a.Anomalies {
		if x.Frame > 0 {
			out = append(out, x.Frame)
		}
	}
	return out
}

// Analyzer runs the analysis engine over a source. It runs in the
// background: it reports progress with done and total frames, and stops
// early when ctx is cancelled.
type Analyzer interface {
	Analyze(ctx context.Context, src Source, progress func(done, total int)) (*Analysis, error)
}

// NoAnalyzer is the Analyzer used until the analysis engine is wired in:
// it returns an empty analysis that says so.
type NoAnalyzer struct{}

// Analyze returns an empty Analysis with a note.
func (NoAnalyzer) Analyze(ctx context.Context, src Source, progress func(done, total int)) (*Analysis, error) {
	return &Analysis{Note: "session analysis is not available in this build"}, nil
}

// StaticAnalyzer returns a fixed Analysis: for tests and demos.
type StaticAnalyzer struct{ A *Analysis }

// Analyze returns s.A.
func (s StaticAnalyzer) Analyze(ctx context.Context, src Source, progress func(done, total int)) (*Analysis, error) {
	progress(src.Len(), src.Len())
	return s.A, nil
}
