package dissect

// Severity ranks an expert note, as Wireshark's expert info does.
type Severity uint8

// Severities, lowest first.
const (
	Chat Severity = iota
	NoteSev
	Warn
	Error
)

func (s Severity) String() string {
	switch s {
	case Chat:
		return "chat"
	case NoteSev:
		return "note"
	case Warn:
		return "warning"
	case Error:
		return "error"
	}
	return Unknown(uint64(s))
}

// Note is an expert note: something a packet does that a reader should know
// about (malformed, truncated, bad checksum, breaks an RFC rule).
type Note struct {
	Severity  Severity
	Code      string // stable identifier, e.g. "ipv6.truncated"
	Message   string
	RFC       string // section that decides it, e.g. "RFC 8200 §3"
	Offset    int    // bytes of the frame the note is about
	Length    int
	Malformed bool // the packet could not be decoded as its protocol says
}
