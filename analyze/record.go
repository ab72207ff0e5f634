package analyze

import "time"

// Severity ranks an anomaly, with Wireshark's expert-info words.
type Severity uint8

// Severities, lowest first.
const (
	Chat Severity = iota
	Note
	Warn
	Error
)

var severityNames = [...]string{"chat", "note", "warning", "error"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// Basis says why a passive observer believes a transition happened.
type Basis uint8

const (
	// BasisObserved: a packet in the capture shows it (a solicited NA makes an
	// entry REACHABLE).
	BasisObserved Basis = iota
	// BasisTimer: a timer ran out on the virtual clock, with the protocol's
	// constants as learned from the capture or assumed (RFC defaults, or
	// the values given on the command line).
	BasisTimer
	// BasisInferred: no packet shows it directly; it follows from what the node
	// did next (a unicast probe shows its entry had gone STALE).
	BasisInferred
)

var basisNames = [...]string{"observed", "timer", "inferred"}

func (b Basis) String() string {
	if int(b) < len(basisNames) {
		return basisNames[b]
	}
	return "unknown"
}

// Reason is a typed, stable cause of a transition. Each protocol package
// defines its own as a small integer type whose String is a snake_case code
// (kept stable: scripts match on it) and whose Explain is one sentence.
type Reason interface {
	String() string
	Explain() string
}

// Transition is one state change of one session.
type Transition struct {
	Proto   string // "nd", "mld", …
	Kind    string // session kind: "neighbor", "address", "router", …
	Session string // the session's id (Session.ID)
	// Frame is the packet that caused it; for a timer, the last frame
	// before the timer fired.
	Frame    int
	Time     time.Time
	From, To string // "" for From when the session is new
	Reason   Reason
	Basis    Basis
	// Evidence lists the frames the belief rests on (the packet itself, or
	// the frame that armed the timer, or the frames an inference used).
	Evidence []int
}

// Anomaly is something a packet or a session does that breaks its
// protocol or smells of an attack.
type Anomaly struct {
	Proto    string
	Code     string // stable: "nd.cache_poisoning"
	Severity Severity
	Session  string // "" when no session is concerned
	Frame    int
	Time     time.Time
	Message  string
	RFC      string // the section that makes it an anomaly
}

// Attr is one attribute of a session record: a name and a value that is a
// string, an integer, a bool, an address, a duration, a time, or a slice of
// strings or addresses.
type Attr struct {
	Key string
	Val any
}

// Session is a session's record: what the capture left it at. Trackers emit
// one when the capture ends or when the session is evicted.
type Session struct {
	Proto      string
	Kind       string
	ID         string
	State      string
	FirstFrame int
	LastFrame  int
	// Transitions counts its transitions.
	Transitions int
	// Evicted is set when the table was full and this session made room
	// for a newer one.
	Evicted bool
	Attrs   []Attr
}

// Sink receives the engine's records as they happen. Transitions and
// anomalies come in processing order (an inferred transition can carry a
// time before the record emitted just before it); sessions when they end.
// The records and their slices are reused: copy what must outlive a call.
type Sink interface {
	Transition(*Transition)
	Anomaly(*Anomaly)
	Session(*Session)
}

// Mark is what one packet did to one session, for read's v6scope.* fields.
type Mark struct {
	Proto   string
	Session string
	State   string // the state after this packet
}
