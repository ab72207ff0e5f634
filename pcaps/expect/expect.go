// Package expect defines the machine-readable facts written beside each
// bundled capture as NAME.expect.json: what tshark finds in the capture
// (frame counts per display filter, key frames) and what the stacks that
// made it reported at the end of the run (addresses, neighbor states).
//
// It lives apart from package pcaps so that the generator in
// pcaps/regen/expectgen can use it without embedding the captures it is
// about to write. Package pcaps re-exports the types.
//
// The schema is described in pcaps/README.md.
package expect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
)

// ErrInvalid is wrapped by every error Parse returns for a file that is
// well-formed JSON but breaks the schema's rules.
var ErrInvalid = errors.New("invalid expectation")

// Expectation is one NAME.expect.json.
type Expectation struct {
	// File is the capture's file name, relative to pcaps/.
	File string `json:"file"`
	// Description is the capture comment (pcapng shb_comment).
	Description string `json:"description"`
	// Generator is the script that regenerates the capture and this file.
	Generator string `json:"generator"`
	// Tshark is the tshark version the counts and key frames come from.
	Tshark string `json:"tshark"`
	// Kernel is `uname -r` of the machine that recorded the capture.
	Kernel string `json:"kernel,omitempty"`
	// Frames is the number of frames in the capture.
	Frames int `json:"frames"`
	// Interfaces are the pcapng interface names, in IDB order.
	Interfaces []string `json:"interfaces"`
	// Counts maps a tshark display filter to the number of frames it
	// matches (`tshark -r FILE -Y FILTER | wc -l`). A filter on a field
	// that occurs several times in one frame still counts the frame once.
	Counts map[string]int `json:"counts"`
	// KeyFrames are the frames a reader should look at, in frame order.
	KeyFrames []KeyFrame `json:"key_frames"`
	// Hosts are the nodes on the link as they were at the end of the run.
	Hosts []Host `json:"hosts"`
	// Neighbors are each node's neighbor cache at the end of the run.
	Neighbors []Neighbor `json:"neighbors"`
	// NUD lists neighbor state sequences observed on a live node during
	// the run (by `ip monitor neigh` and polling `ip neigh`).
	NUD []NUDTrace `json:"nud,omitempty"`
	// TsharkPrefs are the tshark preferences ("name:value", each passed
	// as `-o name:value`) the counts and key frames were taken with, e.g.
	// "teredo.heuristic_teredo:TRUE" for Teredo on ports other than 3544.
	TsharkPrefs []string `json:"tshark_prefs,omitempty"`
	// Needs maps a protocol or field the counts depend on (a display-
	// filter name such as "teredo" or "ipv6.tc_ipv4") to the issue that
	// brings its v6scope decoder. Until v6scope knows that protocol, v6scope's own counts of
	// this capture are reported, not enforced: frames inside it (ICMPv6 in
	// Teredo, say) are invisible to v6scope yet.
	Needs map[string]string `json:"needs,omitempty"`
	// Teredo describes the Teredo clients in the capture (RFC 4380).
	Teredo []TeredoClient `json:"teredo,omitempty"`
	// IKESAs are the IKEv2 SAs in the capture (RFC 7296), in the order
	// they were created, with the CHILD_SAs each one created.
	IKESAs []IKESA `json:"ike_sas,omitempty"`
	// MLD is the multicast state at the end of an MLD capture: queriers,
	// the querier bridges' group databases, the hosts' memberships.
	MLD *MLDState `json:"mld,omitempty"`
	// Parts are the captures a mixed capture was merged from, one per
	// scenario that ran side by side with the others. Every frame belongs
	// to exactly one part, so the parts' frames and counts add up to the
	// capture's. Node names in Hosts, Neighbors, NUD, Teredo and IKESAs
	// carry their part's name as a prefix ("nd/a"), as do the interface
	// names ("nd/v6s-br0").
	Parts []Part `json:"parts,omitempty"`
}

// Part is one scenario's capture inside a mixed capture.
type Part struct {
	// Name is the part's short name, the prefix of its interface and node
	// names before the "/".
	Name string `json:"name"`
	// File is the part's own capture as its script names it
	// ("kernel-nd-mld.pcapng"); the bundled file of that name comes from
	// another run.
	File string `json:"file"`
	// Generator is the script that recorded the part.
	Generator string `json:"generator"`
	// Description is the part's own capture comment.
	Description string `json:"description"`
	// Interfaces are the part's interface names in the mixed capture.
	Interfaces []string `json:"interfaces"`
	// Frames is the number of the part's frames; FirstFrame and LastFrame
	// are the first and last of them in the mixed capture.
	Frames     int `json:"frames"`
	FirstFrame int `json:"first_frame"`
	LastFrame  int `json:"last_frame"`
	// Counts are the part's share of the capture's counts, zeros left out.
	Counts map[string]int `json:"counts,omitempty"`
}

// IKESA is one IKEv2 security association as the daemons reported it.
type IKESA struct {
	// Conn is the strongSwan connection name ("psk", "cert", "nat").
	Conn string `json:"conn"`
	// Initiator is the node that sent IKE_SA_INIT (or the rekey request).
	Initiator string `json:"initiator"`
	// SPIi and SPIr are the SPIs, 16 hex digits as tshark prints
	// isakmp.ispi and isakmp.rspi.
	SPIi string `json:"spi_i"`
	SPIr string `json:"spi_r"`
	// Origin is "IKE_SA_INIT" or "rekey" (CREATE_CHILD_SA, RFC 7296 §1.3.2).
	Origin string `json:"origin"`
	// RekeyOf is the SPIi of the IKE SA this one replaced.
	RekeyOf string `json:"rekey_of,omitempty"`
	// FinalState uses v6scope's IKE SA states: ESTABLISHED, DELETED or
	// FAILED.
	FinalState string `json:"final_state"`
	// Ended says how: "rekeyed" (replaced, then deleted), "deleted"
	// (INFORMATIONAL with Delete), "dpd-timeout" (no answer to dead peer
	// detection), or "" while established.
	Ended string `json:"ended,omitempty"`
	// FirstFrame and LastFrame bound the frames carrying its SPIs.
	FirstFrame int `json:"first_frame"`
	LastFrame  int `json:"last_frame"`
	// Children are the CHILD_SAs created under this IKE SA.
	Children []ChildSA `json:"children,omitempty"`
}

// ChildSA is one ESP CHILD_SA pair.
type ChildSA struct {
	Name string `json:"name"`
	// SPIToInitiator and SPIToResponder are the ESP SPIs, 8 hex digits,
	// of the packets the initiator and the responder receive.
	SPIToInitiator string `json:"spi_to_initiator"`
	SPIToResponder string `json:"spi_to_responder"`
	// FinalState uses v6scope's CHILD_SA states: INSTALLED, REKEYED or
	// DELETED (INSTALLED also when only a daemon dropped it, silently).
	FinalState string `json:"final_state"`
}

// TeredoClient is one Teredo client as it ended the run, with its
// Teredo address taken apart (RFC 4380 §4: prefix, server IPv4, flags,
// obfuscated mapped port and IPv4).
type TeredoClient struct {
	Node string `json:"node"`
	// Address is the Teredo address the client qualified with.
	Address netip.Addr `json:"address"`
	// Server is the Teredo server's primary IPv4 address (bits 32-63).
	Server netip.Addr `json:"server"`
	// Flags is the 16-bit flags field, "0x…" (cone bit 0x8000; RFC 5991
	// random bits).
	Flags string `json:"flags"`
	// Cone is the flags' cone bit.
	Cone bool `json:"cone"`
	// MappedAddr and MappedPort are the client's mapping on the outside
	// of its NAT, de-obfuscated (the address carries them XOR 0xffff…).
	MappedAddr netip.Addr `json:"mapped_addr"`
	MappedPort uint16     `json:"mapped_port"`
	// LocalAddr and LocalPort are the client's own IPv4 socket, behind
	// its NAT.
	LocalAddr netip.Addr `json:"local_addr"`
	LocalPort uint16     `json:"local_port"`
	// NAT is the NAT the script built in front of the client: "cone"
	// (endpoint-independent mapping and filtering), "restricted"
	// (endpoint-independent mapping, address-and-port-dependent
	// filtering) or "symmetric".
	NAT string `json:"nat"`
	// FinalState is the client's state at the end: "QUALIFIED" or
	// "FAILED" (v6scope's state names, docs/ and DESIGN.md).
	FinalState string `json:"final_state"`
	// Frames are the RS and RA frames of its qualification.
	Frames []int `json:"frames,omitempty"`
}

// KeyFrame is one frame worth pointing at.
type KeyFrame struct {
	// Frame is the 1-based frame number, as tshark numbers it.
	Frame int `json:"frame"`
	// Kind groups key frames: "dad_ns", "mld_report", "rs", "ra",
	// "resolution_ns", "solicited_na", "unsolicited_na", "nud_probe_ns",
	// "echo_request", "echo_reply".
	Kind string `json:"kind"`
	// What says in words what the frame is.
	What string `json:"what"`
	// Filter is a tshark display filter that matches this frame (and
	// every other frame of the same Kind).
	Filter string `json:"filter"`
}

// Host is one node on the captured link.
type Host struct {
	// Node is the role name used throughout: "rtr", "a", "b".
	Node string `json:"node"`
	// Role is "router" or "host".
	Role string `json:"role"`
	// Interface is the node's interface name inside its namespace.
	Interface string `json:"interface"`
	// MAC is the interface's Ethernet address, lower-case, colon-separated.
	MAC string `json:"mac"`
	// MTU6 is the interface's IPv6 MTU at the end (an RA MTU option
	// changes it).
	MTU6 int `json:"mtu6,omitempty"`
	// Addresses are the node's IPv6 addresses at the end of the run.
	Addresses []Address `json:"addresses"`
	// Routes are the node's IPv6 routes via the interface, as `ip -6
	// route` shows them.
	Routes []string `json:"routes,omitempty"`
	// Counters are kernel ICMPv6 statistics of the node's namespace at
	// the end of the run (/proc/net/snmp6, RFC 4293 names such as
	// "Icmp6OutNeighborSolicits"): the ones a scenario reads, not all.
	Counters map[string]int `json:"counters,omitempty"`
}

// Address is one IPv6 address of a node.
type Address struct {
	Prefix netip.Prefix `json:"prefix"`
	// Scope is "link" or "global".
	Scope string `json:"scope"`
	// Origin is "link-local" (kernel, EUI-64), "slaac" (from an RA
	// Prefix Information option), "teredo" (2001::/32, from Teredo
	// qualification) or "static" (configured).
	Origin string `json:"origin"`
	// State is the address's DAD state in v6scope's vocabulary where it
	// is not PREFERRED: TENTATIVE, DUPLICATE (the kernel's dadfailed,
	// RFC 4862 §5.4.5) or DEPRECATED (preferred lifetime 0).
	State string `json:"state,omitempty"`
}

// Neighbor is one neighbor cache entry.
type Neighbor struct {
	Node      string     `json:"node"`
	Interface string     `json:"interface"`
	Target    netip.Addr `json:"target"`
	LLAddr    string     `json:"lladdr,omitempty"`
	// Router is the entry's IsRouter flag.
	Router bool `json:"router,omitempty"`
	// FinalState is the kernel's NUD state at the end of the run:
	// INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED, PERMANENT.
	FinalState string `json:"final_state"`
}

// NUDTrace is the sequence of NUD states one node's entry for one
// target went through, consecutive duplicates removed.
type NUDTrace struct {
	Node   string     `json:"node"`
	Target netip.Addr `json:"target"`
	States []string   `json:"states"`
	// Frames are the capture frames that carry the probe and its answer
	// (unicast NS from Node to Target, solicited NA back).
	Frames []int `json:"frames,omitempty"`
}

// Parse decodes an expect.json and checks it: unknown fields are errors,
// counts must be present, and key frames must lie within the capture.
func Parse(data []byte) (*Expectation, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e Expectation
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return &e, nil
}

// Validate checks the rules Parse enforces.
func (e *Expectation) Validate() error {
	switch {
	case e.File == "":
		return fmt.Errorf("%w: no file", ErrInvalid)
	case e.Frames <= 0:
		return fmt.Errorf("%w: %s: frames = %d", ErrInvalid, e.File, e.Frames)
	case len(e.Counts) == 0:
		return fmt.Errorf("%w: %s: no counts", ErrInvalid, e.File)
	}
	for f, n := range e.Counts {
		if f == "" || n < 0 || n > e.Frames {
			return fmt.Errorf("%w: %s: count %q = %d of %d frames", ErrInvalid, e.File, f, n, e.Frames)
		}
	}
	last := 0
	for _, k := range e.KeyFrames {
		if k.Frame < 1 || k.Frame > e.Frames || k.Filter == "" {
			return fmt.Errorf("%w: %s: key frame %d (%q)", ErrInvalid, e.File, k.Frame, k.Filter)
		}
		if k.Frame < last {
			return fmt.Errorf("%w: %s: key frames out of order at %d", ErrInvalid, e.File, k.Frame)
		}
		last = k.Frame
	}
	if err := e.validateMLD(); err != nil {
		return err
	}
	if err := e.validateParts(); err != nil {
		return err
	}
	for _, s := range e.IKESAs {
		if s.FirstFrame < 0 || s.LastFrame > e.Frames || s.FirstFrame > s.LastFrame {
			return fmt.Errorf("%w: %s: IKE SA %s frames %d-%d", ErrInvalid, e.File, s.SPIi, s.FirstFrame, s.LastFrame)
		}
	}
	for _, c := range e.Teredo {
		for _, f := range c.Frames {
			if f < 1 || f > e.Frames {
				return fmt.Errorf("%w: %s: Teredo frame %d", ErrInvalid, e.File, f)
			}
		}
	}
	for _, t := range e.NUD {
		for _, f := range t.Frames {
			if f < 1 || f > e.Frames {
				return fmt.Errorf("%w: %s: NUD frame %d", ErrInvalid, e.File, f)
			}
		}
	}
	return nil
}

// validateParts checks that the parts add up: their frames to the
// capture's, and for every count filter, their counts to the capture's.
func (e *Expectation) validateParts() error {
	if len(e.Parts) == 0 {
		return nil
	}
	frames := 0
	sums := map[string]int{}
	for _, p := range e.Parts {
		if p.Name == "" || p.Frames <= 0 || p.FirstFrame < 1 || p.LastFrame > e.Frames || p.FirstFrame > p.LastFrame {
			return fmt.Errorf("%w: %s: part %q: %d frames, %d-%d", ErrInvalid, e.File, p.Name, p.Frames, p.FirstFrame, p.LastFrame)
		}
		frames += p.Frames
		for f, n := range p.Counts {
			if _, ok := e.Counts[f]; !ok || n < 0 || n > p.Frames {
				return fmt.Errorf("%w: %s: part %q: count %q = %d", ErrInvalid, e.File, p.Name, f, n)
			}
			sums[f] += n
		}
	}
	if frames != e.Frames {
		return fmt.Errorf("%w: %s: parts hold %d frames, the capture %d", ErrInvalid, e.File, frames, e.Frames)
	}
	for f, n := range e.Counts {
		if sums[f] != n {
			return fmt.Errorf("%w: %s: parts count %d frames for %q, the capture %d", ErrInvalid, e.File, sums[f], f, n)
		}
	}
	return nil
}
