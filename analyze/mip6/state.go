package mip6

// BindingState is a binding's state as the mobile node's Binding Update
// List and its peer's Binding Cache show it (RFC 6275 §9.5, §11.7).
type BindingState uint8

const (
	// BindingNone: not seen yet.
	BindingNone BindingState = iota
	// Registering: a Binding Update with a lifetime was sent; no BA yet
	// (RFC 6275 §11.7.1, §11.7.2).
	Registering
	// Bound: a BA accepted it (status below 128): the binding holds for
	// the lifetime the BA granted (RFC 6275 §9.5.1, §11.7.3).
	Bound
	// Refreshing: a bound binding's mobile node sent a new BU to extend it
	// (RFC 6275 §11.7.1).
	Refreshing
	// Rejected: the BA's status was 128 or more (RFC 6275 §6.1.8, §11.7.3).
	Rejected
	// Deregistering: a BU with lifetime 0 (or the home address as care-of
	// address) was sent (RFC 6275 §11.5.4, §11.7.2).
	Deregistering
	// Deregistered: a BA accepted the deregistration: the binding is gone
	// (RFC 6275 §10.3.2, §9.5.3).
	Deregistered
	// Expired: the lifetime the BA granted ran out on the virtual clock
	// with no refresh (RFC 6275 §9.5.2, §10.3.1).
	Expired
)

var bindingStateNames = [...]string{"", "REGISTERING", "BOUND", "REFRESHING", "REJECTED", "DEREGISTERING", "DEREGISTERED", "EXPIRED"}

func (s BindingState) String() string { return bindingStateNames[s] }

// RRState is where a return routability procedure stands (RFC 6275
// §5.2.5, §11.6.1).
type RRState uint8

const (
	// RRNone: not seen yet.
	RRNone RRState = iota
	// HoTISent: the Home Test Init was sent (reverse-tunnelled through the
	// home agent), its Home Test not yet seen (RFC 6275 §6.1.3).
	HoTISent
	// CoTISent: the Care-of Test Init was sent and both tests are
	// outstanding, or only the care-of one is (RFC 6275 §6.1.4).
	CoTISent
	// Complete: both the home and the care-of keygen tokens are known:
	// the mobile node can compute Kbm (RFC 6275 §5.2.5).
	Complete
)

var rrStateNames = [...]string{"", "HOTI_SENT", "COTI_SENT", "COMPLETE"}

func (s RRState) String() string { return rrStateNames[s] }

// Reason is why a session changed state; its String is a stable code.
type Reason uint8

// Reasons.
const (
	ReasonBU         Reason = iota + 1 // a Binding Update with a lifetime
	ReasonDeregBU                      // a Binding Update with lifetime 0
	ReasonBA                           // a BA accepted the BU
	ReasonBARejected                   // a BA rejected the BU
	ReasonNoAck                        // a BU without the A flag: no BA will come
	ReasonLifetime                     // the binding lifetime ran out
	ReasonHoTI                         // a Home Test Init
	ReasonCoTI                         // a Care-of Test Init
	ReasonTokens                       // both keygen tokens known
)

var reasonCodes = [...]string{"", "binding_update", "deregistration_update", "binding_ack", "binding_ack_rejected", "no_ack_requested",
	"lifetime_expired", "home_test_init", "careof_test_init", "tokens_known"}

var reasonText = [...]string{"",
	"the mobile node sent a Binding Update with a lifetime (RFC 6275 §11.7.1, §11.7.2)",
	"the mobile node sent a Binding Update with lifetime 0 to remove the binding (RFC 6275 §11.5.4)",
	"a Binding Acknowledgement with the BU's sequence number accepted it (RFC 6275 §9.5.1, §11.7.3)",
	"a Binding Acknowledgement rejected the BU (status 128 or more, RFC 6275 §6.1.8, §11.7.3)",
	"the BU did not ask for an acknowledgement (A flag clear): a correspondent applies it silently (RFC 6275 §9.5.1)",
	"the lifetime the BA granted passed without a refresh (RFC 6275 §9.5.2)",
	"the mobile node sent a Home Test Init through its home agent (RFC 6275 §11.6.1)",
	"the mobile node sent a Care-of Test Init from its care-of address (RFC 6275 §11.6.1)",
	"the Home Test and Care-of Test answering the mobile node's cookies gave both keygen tokens (RFC 6275 §5.2.5)",
}

func (r Reason) String() string { return reasonCodes[r] }

// Explain says in a sentence what the reason means.
func (r Reason) Explain() string { return reasonText[r] }

// seqLess reports whether a comes before b modulo 2^16: "less than" in
// the sense of RFC 6275 §9.5.1, by at most half the space.
func seqLess(a, b uint16) bool { d := b - a; return d != 0 && d < 0x8000 }
