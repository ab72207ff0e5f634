package replay

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/bpf"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/capture/live"
)

// Capturer is a live capture as a script's expect reads it: what
// capture/live's *Capture provides. Next blocks for the next frame (its
// Data valid until the following call); after Stop, Next returns what was
// already captured, then io.EOF.
type Capturer interface {
	Next(f *capture.Frame) error
	Stop()
	Close() error
}

// Received is one frame a script's listener got, copied out of the
// capture.
type Received struct {
	Time     time.Time // the kernel's receive timestamp
	LinkType capture.LinkType
	Data     []byte
}

// Capture settings for expect.
const (
	// expectBlockTimeout bounds how long a received frame waits in the
	// capture ring's partly filled block before the listener sees it
	// (capture/live Options.BlockTimeout).
	expectBlockTimeout = 5 * time.Millisecond
	// expectGrace is how long an expect that timed out still collects
	// frames the kernel stamped before its deadline: at most one block
	// timeout late, plus scheduling.
	expectGrace = 4*expectBlockTimeout + 10*time.Millisecond
	// expectRing is the size of the capture ring.
	expectRing = 4 << 20
	// listenQueue is the number of received frames held for expect; the
	// oldest are dropped (and counted) when nobody reads them.
	listenQueue = 4096
	// packetOutgoing is PACKET_OUTGOING, the packet type of a frame the
	// host sends (packet(7), include/uapi/linux/if_packet.h).
	packetOutgoing = 4
)

// inbound is the kernel filter of an expect capture: every frame the
// interface receives, none it sends (tcpdump's "inbound"), so that a
// script never matches its own frames.
func inbound(_ capture.LinkType, snapLen int) ([]bpf.RawInstruction, error) {
	return bpf.Assemble([]bpf.Instruction{
		bpf.LoadExtension{Num: bpf.ExtType},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: packetOutgoing, SkipTrue: 1},
		bpf.RetConstant{Val: uint32(snapLen)},
		bpf.RetConstant{Val: 0},
	})
}

// Listen opens the capture a script's expect reads on interface name: a
// capture/live capture (TPACKET_V3 ring, promiscuous, kernel timestamps)
// of the frames the interface receives. Its errors are capture/live's,
// which say what to do.
func Listen(name string) (Capturer, error) {
	c, err := live.Open(live.Options{
		Interfaces:   []string{name},
		BufferSize:   expectRing,
		BlockTimeout: expectBlockTimeout,
		Filter:       inbound,
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// listener reads a Capturer on a goroutine of its own and queues copies
// of the frames, so that frames arriving while a script sends or waits
// are kept for the next expect.
type listener struct {
	name string
	c    Capturer
	C    chan Received
	done chan struct{} // closed when the reading goroutine has returned
	// dropped counts frames lost because the queue was full.
	dropped atomic.Int64

	mu  sync.Mutex
	err error // why the capture ended early, if it did

	closeOnce sync.Once
}

// newListener starts reading c, the capture on interface name.
func newListener(name string, c Capturer) *listener {
	l := &listener{name: name, c: c, C: make(chan Received, listenQueue), done: make(chan struct{})}
	go l.run()
	return l
}

func (l *listener) run() {
	defer close(l.done)
	var f capture.Frame
	for {
		err := l.c.Next(&f)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				l.mu.Lock()
				l.err = err
				l.mu.Unlock()
			}
			return
		}
		r := Received{Time: f.Time, LinkType: f.LinkType, Data: append([]byte(nil), f.Data...)}
		select {
		case l.C <- r:
			continue
		default:
		}
		select { // full: drop the oldest
		case <-l.C:
			l.dropped.Add(1)
		default:
		}
		select {
		case l.C <- r:
		default:
			l.dropped.Add(1)
		}
	}
}

// ended returns why the capture stopped delivering frames, or nil while it
// still runs.
func (l *listener) ended() error {
	select {
	case <-l.done:
	default:
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return fmt.Errorf("capturing on %s for expect: %w", l.name, l.err)
	}
	return fmt.Errorf("capturing on %s for expect: the capture ended", l.name)
}

// Close stops the capture, waits for the reading goroutine (which copies
// out of the capture's ring) and only then releases the capture.
func (l *listener) Close() error {
	var err error
	l.closeOnce.Do(func() {
		l.c.Stop()
		<-l.done
		err = l.c.Close()
	})
	return err
}
