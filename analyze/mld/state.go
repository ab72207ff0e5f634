package mld

// GroupState is the router-side state of a multicast address on a link
// (RFC 3810 §7.2.1).
type GroupState uint8

const (
	// GroupNone: never reported.
	GroupNone GroupState = iota
	// Include: listeners want the sources of the source list only
	// (filter mode INCLUDE with a non-empty list).
	Include
	// Exclude: listeners want every source but those with a zero timer
	// (filter mode EXCLUDE; the Filter Timer runs).
	Exclude
	// NoListeners: INCLUDE with no sources: the Filter Timer or the last
	// source timer ran out, or listeners left (RFC 3810 §7.2.2, §7.5).
	NoListeners
)

var groupStateNames = [...]string{"", "INCLUDE", "EXCLUDE", "NO_LISTENERS"}

func (s GroupState) String() string { return groupStateNames[s] }

// QuerierState is a router's role in the querier election (RFC 3810
// §7.6.2).
type QuerierState uint8

const (
	// QuerierNone: not heard yet.
	QuerierNone QuerierState = iota
	// Querier: the router with the lowest address heard; it sends the
	// General Queries.
	Querier
	// OtherQuerierPresent: a router with a lower address was heard within
	// the Other Querier Present Interval; this one stays silent.
	OtherQuerierPresent
)

var querierStateNames = [...]string{"", "QUERIER", "OTHER_QUERIER_PRESENT"}

func (s QuerierState) String() string { return querierStateNames[s] }

// Reason is why a session changed state; its String is a stable code.
type Reason uint8

// Reasons.
const (
	ReasonReport            Reason = iota + 1 // a report changed the filter mode or source list
	ReasonV1Report                            // an MLDv1 Report (as IS_EX({}), RFC 3810 §8.3.2)
	ReasonV1Done                              // an MLDv1 Done (as TO_IN({}))
	ReasonFilterTimer                         // the Filter Timer ran out
	ReasonSourceTimer                         // the last source timer ran out
	ReasonQuery                               // a router sent a Query
	ReasonLowerQuerier                        // a Query from a lower address was heard
	ReasonOtherQuerierTimer                   // the Other Querier Present timer ran out
)

var reasonCodes = [...]string{"", "report", "v1_report", "v1_done", "filter_timer", "source_timer", "query", "lower_querier", "other_querier_present_timer"}

var reasonText = [...]string{"",
	"an MLDv2 report record changed the filter mode or the source list (RFC 3810 §7.4)",
	"an MLDv1 Report, taken as IS_EX({}) (RFC 3810 §8.3.2)",
	"an MLDv1 Done, taken as TO_IN({}) (RFC 3810 §8.3.2)",
	"the Filter Timer ran out (RFC 3810 §7.5)",
	"the last source timer ran out (RFC 3810 §7.2.3)",
	"a router sent a Multicast Listener Query (RFC 3810 §7.6.2)",
	"a Query from a lower address was heard: that router is querier (RFC 3810 §7.6.2)",
	"the Other Querier Present Interval passed without a Query from the querier (RFC 3810 §7.6.2, §9.5)",
}

func (r Reason) String() string { return reasonCodes[r] }

// Explain says in a sentence what the reason means.
func (r Reason) Explain() string { return reasonText[r] }
