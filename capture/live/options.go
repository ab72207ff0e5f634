package live

import (
	"time"

	"github.com/v6scope/v6scope/capture"
	"golang.org/x/net/bpf"
)

// Defaults, chosen to match tcpdump and dumpcap where they have one.
const (
	// DefaultSnapLen is tcpdump's and dumpcap's default snapshot length.
	DefaultSnapLen = 262144
	// DefaultBufferSize is the ring size per interface: libpcap's default
	// buffer size (tcpdump -B, dumpcap -B).
	DefaultBufferSize = 2 << 20
	// DefaultBlockTimeout is how long the kernel fills a ring block before
	// handing it over partly full (tp_retire_blk_tov): the most a frame
	// waits before v6scope sees it.
	DefaultBlockTimeout = 50 * time.Millisecond
)

// Options says what to capture.
type Options struct {
	// Interfaces to capture on, by name; at least one. Frame.Interface is
	// the index in this list.
	Interfaces []string
	// SnapLen is the number of bytes kept of each frame; 0 means
	// DefaultSnapLen.
	SnapLen int
	// NoPromiscuous leaves the interfaces out of promiscuous mode, so only
	// frames addressed to them (and multicast they joined) are seen.
	NoPromiscuous bool
	// BufferSize is the size in bytes of each interface's ring; 0 means
	// DefaultBufferSize.
	BufferSize int
	// BlockTimeout bounds how long a frame can wait in a partly filled
	// ring block; 0 means DefaultBlockTimeout.
	BlockTimeout time.Duration
	// Filter builds the kernel filter for an interface; nil means
	// BuiltinFilter. AllFrames keeps everything.
	Filter FilterFunc
}

// FilterFunc returns the classic BPF program for an interface of the given
// link type, keeping snapLen bytes of each accepted frame.
type FilterFunc func(link capture.LinkType, snapLen int) ([]bpf.RawInstruction, error)

// BuiltinFilter is the FilterFunc of [Program]: the protocols v6scope
// decodes, and nothing else.
func BuiltinFilter(link capture.LinkType, snapLen int) ([]bpf.RawInstruction, error) {
	prog, err := Program(link, snapLen)
	if err != nil {
		return nil, err
	}
	return bpf.Assemble(prog)
}

// AllFrames is the FilterFunc that keeps every frame.
func AllFrames(link capture.LinkType, snapLen int) ([]bpf.RawInstruction, error) {
	return bpf.Assemble(AcceptAll(snapLen))
}

// Stats are the counters of a capture: the kernel's (packet(7),
// PACKET_STATISTICS) and v6scope's own.
type Stats struct {
	// Received counts the frames that passed the filter, whether or not
	// there was room for them (tp_packets).
	Received uint64
	// Dropped counts those for which the ring had no room (tp_drops):
	// the reader did not keep up.
	Dropped uint64
	// Captured counts the frames Next handed out. Once a stopped
	// capture is drained, Captured == Received - Dropped.
	Captured uint64
	// Interfaces holds the same counters per interface, in
	// Options.Interfaces order.
	Interfaces []InterfaceStats
}

// InterfaceStats are one interface's counters.
type InterfaceStats struct {
	Name                        string
	Received, Dropped, Captured uint64
	// QueueFreezes counts how often the ring was full (tp_freeze_q_cnt).
	QueueFreezes uint64
}
