package expect

import (
	"fmt"
	"net/netip"
)

// MLDState is what the stacks of an MLD capture reported at the end of
// the run, with the querier election read off the capture.
type MLDState struct {
	// Querier is the address of the querier elected at the end: the
	// source of the last General Query (RFC 3810 §7.6.2: the lowest
	// address wins).
	Querier netip.Addr `json:"querier"`
	// QuerierNode is the node that owns Querier.
	QuerierNode string `json:"querier_node"`
	// Queriers are the nodes configured to act as querier.
	Queriers []MLDQuerier `json:"queriers"`
	// Groups are the querier bridges' group databases (`bridge mdb`),
	// learnt by their MLDv2 snooping.
	Groups []MLDGroup `json:"groups,omitempty"`
	// Listeners are the hosts' own memberships (/proc/net/igmp6 and
	// /proc/net/mcfilter6), link-scope all-nodes groups left out.
	Listeners []MLDListener `json:"listeners,omitempty"`
}

// MLDQuerier is one node configured as MLD querier.
type MLDQuerier struct {
	Node    string     `json:"node"`
	Address netip.Addr `json:"address"`
	// State is QUERIER for the elected querier and OTHER_QUERIER_PRESENT
	// for one that fell silent.
	State string `json:"state"`
	// GeneralQueries counts the General Queries it sent in the capture.
	GeneralQueries int `json:"general_queries"`
	// FirstQuery and LastQuery are the frames of its first and last
	// query of any kind (0 when it sent none).
	FirstQuery int `json:"first_query"`
	LastQuery  int `json:"last_query"`
}

// MLDGroup is one entry of a querier bridge's group database.
type MLDGroup struct {
	Node  string     `json:"node"`
	Port  string     `json:"port"`
	Group netip.Addr `json:"group"`
	// Mode is the filter mode, INCLUDE or EXCLUDE (RFC 3810 §7.2).
	Mode    string       `json:"mode"`
	Sources []netip.Addr `json:"sources,omitempty"`
}

// MLDListener is one host's membership of one group.
type MLDListener struct {
	Node  string     `json:"node"`
	Group netip.Addr `json:"group"`
	// Mode is INCLUDE or EXCLUDE; Sources its source list.
	Mode    string       `json:"mode"`
	Sources []netip.Addr `json:"sources,omitempty"`
	// Version is the MLD version the host speaks on the link (1 when
	// forced by force_mld_version=1).
	Version int `json:"version"`
}

func (e *Expectation) validateMLD() error {
	if e.MLD == nil {
		return nil
	}
	for _, q := range e.MLD.Queriers {
		if q.FirstQuery < 0 || q.LastQuery > e.Frames || q.FirstQuery > q.LastQuery {
			return fmt.Errorf("%w: %s: querier %s frames %d-%d", ErrInvalid, e.File, q.Node, q.FirstQuery, q.LastQuery)
		}
	}
	return nil
}
