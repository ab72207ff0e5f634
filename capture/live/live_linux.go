//go:build linux

package live

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/v6scope/v6scope/capture"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Layout of the TPACKET_V3 ring (include/uapi/linux/if_packet.h).
//
// Each block starts with struct tpacket_block_desc: version, offset_to_priv,
// then struct tpacket_hdr_v1 (block_status, num_pkts, offset_to_first_pkt,
// blk_len, seq_num, timestamps).
const (
	blockStatusOff   = 8
	blockNumPktsOff  = 12
	blockFirstPktOff = 16
)

// Each frame in a block starts with struct tpacket3_hdr.
const (
	pktNextOff     = 0  // tp_next_offset
	pktSecOff      = 4  // tp_sec
	pktNsecOff     = 8  // tp_nsec
	pktSnapLenOff  = 12 // tp_snaplen: bytes present
	pktLenOff      = 16 // tp_len: bytes on the wire
	pktStatusOff   = 20 // tp_status
	pktMacOff      = 24 // tp_mac: where the frame starts, from the header
	pktVLANTCIOff  = 32 // hv1.tp_vlan_tci
	pktVLANTPIDOff = 36 // hv1.tp_vlan_tpid
	pktHeaderLen   = 48
)

// frameSize is tp_frame_size. TPACKET_V3 packs frames of any size into a
// block, so this only has to satisfy the kernel's checks (aligned, at
// least a header long, dividing the block size).
const frameSize = 2048

// blockSize is tp_block_size: room for the largest frame (a 64 KiB GSO
// packet on a veth) with its header, a multiple of the page size.
const blockSize = 256 << 10

// arphrdTunnel6 is ARPHRD_TUNNEL6 (include/uapi/linux/if_arp.h), which
// x/sys/unix does not name.
const arphrdTunnel6 = 769

// linkTypeOf maps an interface's ARPHRD_* type to the link type of the
// frames a SOCK_RAW packet socket reads on it (what libpcap's
// pcap-linux.c maps them to, for the types v6scope decodes).
func linkTypeOf(arphrd uint16) (capture.LinkType, bool) {
	switch arphrd {
	case unix.ARPHRD_ETHER, unix.ARPHRD_LOOPBACK:
		return capture.LinkEthernet, true
	case unix.ARPHRD_NONE, unix.ARPHRD_RAWIP, unix.ARPHRD_TUNNEL, arphrdTunnel6, unix.ARPHRD_SIT:
		// tun, WireGuard, ipip, ip6tnl, sit: no link-layer header.
		return capture.LinkRaw, true
	}
	return 0, false
}

// Capture is a live capture on one or more interfaces. Next, Ready and
// Close must be called from one goroutine at a time; Stop and Stats may be
// called from any goroutine, at any time before Close returns.
type Capture struct {
	rings  []*ring
	ifaces []capture.Interface
	wake   int // eventfd Stop writes to, to end a blocking poll
	tov    time.Duration

	stopping atomic.Bool
	draining bool
	frames   int
	last     *ring // ring of the frame Next returned last
	vlanBuf  []byte
	pollFds  []unix.PollFd

	// reading is held by Next and Ready while they use the rings, so that
	// Close, from another goroutine, waits for them instead of unmapping
	// a ring under them.
	reading sync.Mutex

	mu     sync.Mutex // guards closed and the counters in rings
	closed bool
}

// ring is one interface's packet socket and its TPACKET_V3 ring.
type ring struct {
	fd      int
	name    string
	index   int
	ifindex int
	link    capture.LinkType
	mem     []byte
	blocks  int

	cur  int  // block read next
	open bool // cur is ours (TP_STATUS_USER) and being read
	left int  // frames left in it
	off  int  // offset in mem of the next frame

	captured atomic.Uint64
	stats    InterfaceStats // kernel counters so far (under Capture.mu)
}

// host is the byte order of the ring's fields: the machine's own.
var host = binary.NativeEndian

// Open starts a capture on every interface of o.Interfaces. The errors
// for the usual mistakes are a *NoSuchInterfaceError, a *PermissionError
// and an *InterfaceDownError.
func Open(o Options) (*Capture, error) {
	if len(o.Interfaces) == 0 {
		return nil, errors.New("no interface to capture on")
	}
	if o.SnapLen <= 0 {
		o.SnapLen = DefaultSnapLen
	}
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultBufferSize
	}
	if o.BlockTimeout <= 0 {
		o.BlockTimeout = DefaultBlockTimeout
	}
	if o.Filter == nil {
		o.Filter = BuiltinFilter
	}
	c := &Capture{wake: -1, tov: o.BlockTimeout}
	for i, name := range o.Interfaces {
		for _, r := range c.rings {
			if r.name == name {
				c.Close()
				return nil, fmt.Errorf("interface %s given twice", name)
			}
		}
		r, err := openRing(name, i, &o)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.rings = append(c.rings, r)
		c.ifaces = append(c.ifaces, capture.Interface{
			Name: name, LinkType: r.link, SnapLen: uint32(o.SnapLen), TSResolution: time.Nanosecond,
		})
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	c.wake = wake
	c.pollFds = make([]unix.PollFd, len(c.rings)+1)
	return c, nil
}

// openRing opens, filters, maps and binds the socket of one interface, in
// that order: the socket is created with protocol 0, so it receives
// nothing until bind (packet(7)), and by then the filter is in place.
func openRing(name string, index int, o *Options) (_ *ring, err error) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, &PermissionError{Interface: name, Err: err}
		}
		return nil, fmt.Errorf("capturing on %s: packet socket: %w", name, err)
	}
	r := &ring{fd: fd, name: name, index: index}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return nil, &NoSuchInterfaceError{Name: name, Existing: interfaceNames()}
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
		if errors.Is(err, unix.ENODEV) {
			return nil, &NoSuchInterfaceError{Name: name, Existing: interfaceNames()}
		}
		return nil, fmt.Errorf("capturing on %s: SIOCGIFINDEX: %w", name, err)
	}
	r.ifindex = int(ifr.Uint32())
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return nil, fmt.Errorf("capturing on %s: SIOCGIFFLAGS: %w", name, err)
	}
	if ifr.Uint16()&unix.IFF_UP == 0 {
		return nil, &InterfaceDownError{Name: name}
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFHWADDR, ifr); err != nil {
		return nil, fmt.Errorf("capturing on %s: SIOCGIFHWADDR: %w", name, err)
	}
	arphrd := ifr.Uint16() // sa_family of ifr_hwaddr
	link, ok := linkTypeOf(arphrd)
	if !ok {
		return nil, fmt.Errorf("capturing on %s: its hardware type (ARPHRD %d) is not one v6scope captures: Ethernet, loopback and raw IP (tun, sit, ipip) are", name, arphrd)
	}
	r.link = link
	prog, err := o.Filter(link, o.SnapLen)
	if err != nil {
		return nil, fmt.Errorf("capturing on %s: %w", name, err)
	}
	if err := attach(fd, prog); err != nil {
		return nil, fmt.Errorf("capturing on %s: attaching the filter: %w", name, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return nil, fmt.Errorf("capturing on %s: TPACKET_V3: %w", name, err)
	}
	r.blocks = max(o.BufferSize/blockSize, 2)
	req := unix.TpacketReq3{
		Block_size:     blockSize,
		Block_nr:       uint32(r.blocks),
		Frame_size:     frameSize,
		Frame_nr:       uint32(r.blocks * (blockSize / frameSize)),
		Retire_blk_tov: uint32(max(o.BlockTimeout/time.Millisecond, 1)),
	}
	if err := unix.SetsockoptTpacketReq3(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, fmt.Errorf("capturing on %s: PACKET_RX_RING of %d blocks of %d bytes: %w", name, r.blocks, blockSize, err)
	}
	r.mem, err = unix.Mmap(fd, 0, r.blocks*blockSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("capturing on %s: mapping the ring: %w", name, err)
	}
	if !o.NoPromiscuous {
		mreq := unix.PacketMreq{Ifindex: int32(r.ifindex), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
			if errors.Is(err, unix.EPERM) {
				return nil, &PermissionError{Interface: name, Err: fmt.Errorf("promiscuous mode: %w", err)}
			}
			return nil, fmt.Errorf("capturing on %s: promiscuous mode: %w", name, err)
		}
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: r.ifindex}
	if err := unix.Bind(fd, sa); err != nil {
		if errors.Is(err, unix.ENETDOWN) {
			return nil, &InterfaceDownError{Name: name}
		}
		return nil, fmt.Errorf("capturing on %s: bind: %w", name, err)
	}
	return r, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// attach attaches a classic BPF program (SO_ATTACH_FILTER, socket(7)).
func attach(fd int, prog []bpf.RawInstruction) error {
	if len(prog) == 0 {
		return errors.New("empty filter program")
	}
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	return unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fp)
}

// interfaceNames lists the interfaces of this network namespace.
func interfaceNames() []string {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	names := make([]string, len(ifs))
	for i, ifc := range ifs {
		names[i] = ifc.Name
	}
	return names
}

func (r *ring) close() {
	if r.mem != nil {
		unix.Munmap(r.mem)
		r.mem = nil
	}
	if r.fd >= 0 {
		unix.Close(r.fd)
		r.fd = -1
	}
}

func (r *ring) u32(off int) uint32 { return host.Uint32(r.mem[off:]) }
func (r *ring) u16(off int) uint16 { return host.Uint16(r.mem[off:]) }

// blockStatus reads a block's status word, which the kernel writes.
func (r *ring) blockStatus(b int) *uint32 {
	return (*uint32)(unsafe.Pointer(&r.mem[b*blockSize+blockStatusOff]))
}

// pending reports whether a frame can be read from r now, opening the
// next block when the kernel has handed it over.
func (r *ring) pending() bool {
	for {
		if r.open && r.left > 0 {
			return true
		}
		if r.open {
			r.release()
		}
		if atomic.LoadUint32(r.blockStatus(r.cur))&unix.TP_STATUS_USER == 0 {
			return false
		}
		base := r.cur * blockSize
		r.open = true
		r.left = int(r.u32(base + blockNumPktsOff))
		r.off = base + int(r.u32(base+blockFirstPktOff))
	}
}

// release hands the current block back to the kernel.
func (r *ring) release() {
	atomic.StoreUint32(r.blockStatus(r.cur), unix.TP_STATUS_KERNEL)
	r.open = false
	r.left = 0
	r.cur = (r.cur + 1) % r.blocks
}

// nextTime is the timestamp of the frame r would hand out next.
func (r *ring) nextTime() (sec, nsec uint32) {
	return r.u32(r.off + pktSecOff), r.u32(r.off + pktNsecOff)
}

// Interfaces describes the interfaces, in Options.Interfaces order.
func (c *Capture) Interfaces() []capture.Interface { return c.ifaces }

// Next fills f with the next frame, waiting for one. f.Data points into
// the ring and is valid until the next call to Next. After Stop, Next
// returns the frames already captured and then io.EOF.
func (c *Capture) Next(f *capture.Frame) error {
	c.reading.Lock()
	defer c.reading.Unlock()
	if c.isClosed() {
		return errors.New("live capture: Next after Close")
	}
	if c.last != nil && c.last.open && c.last.left == 0 {
		c.last.release()
	}
	for {
		var best *ring
		var bs, bn uint32
		for _, r := range c.rings {
			if !r.pending() {
				continue
			}
			s, n := r.nextTime()
			if best == nil || s < bs || (s == bs && n < bn) {
				best, bs, bn = r, s, n
			}
		}
		if best != nil {
			c.fill(best, f)
			return nil
		}
		if err := c.wait(); err != nil {
			return err
		}
	}
}

// Ready reports whether Next would return a frame without waiting: a
// printer flushes its output when it is false.
func (c *Capture) Ready() bool {
	c.reading.Lock()
	defer c.reading.Unlock()
	if c.isClosed() {
		return false
	}
	for _, r := range c.rings {
		if r.open && r.left > 0 {
			return true
		}
		if !r.open && atomic.LoadUint32(r.blockStatus(r.cur))&unix.TP_STATUS_USER != 0 {
			return true
		}
		if r.open && atomic.LoadUint32(r.blockStatus((r.cur+1)%r.blocks))&unix.TP_STATUS_USER != 0 {
			return true
		}
	}
	return false
}

// fill hands out r's next frame.
func (c *Capture) fill(r *ring, f *capture.Frame) {
	h := r.off
	snap := int(r.u32(h + pktSnapLenOff))
	wire := int(r.u32(h + pktLenOff))
	status := r.u32(h + pktStatusOff)
	start := h + int(r.u16(h+pktMacOff))
	data := r.mem[start : start+snap]
	// The kernel takes the 802.1Q tag out of most received frames and
	// reports it beside them; put it back, as libpcap does, so that the
	// frame is what was on the wire.
	if r.link == capture.LinkEthernet && status&unix.TP_STATUS_VLAN_VALID != 0 && snap >= 12 {
		tpid := uint16(etherTypeDot1Q)
		if status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
			tpid = r.u16(h + pktVLANTPIDOff)
		}
		tci := uint16(r.u32(h + pktVLANTCIOff))
		b := append(c.vlanBuf[:0], data[:12]...)
		b = binary.BigEndian.AppendUint16(b, tpid)
		b = binary.BigEndian.AppendUint16(b, tci)
		b = append(b, data[12:]...)
		c.vlanBuf = b
		data = b
		wire += dot1QTagLen
	}
	sec, nsec := r.nextTime()
	c.frames++
	*f = capture.Frame{
		Number:    c.frames,
		Time:      time.Unix(int64(sec), int64(nsec)).UTC(),
		CapLen:    len(data),
		OrigLen:   wire,
		Interface: r.index,
		LinkType:  r.link,
		Data:      data,
	}
	r.left--
	if r.left > 0 {
		r.off = h + int(r.u32(h+pktNextOff))
	}
	r.captured.Add(1)
	c.last = r
}

// wait blocks until a ring may have a block for us, Stop is called, or,
// while draining, until the kernel has had time to hand over its last
// partly filled block (then it returns io.EOF).
func (c *Capture) wait() error {
	if !c.draining && c.stopping.Load() {
		// Keep anything more from entering the rings, then drain them.
		for _, r := range c.rings {
			if err := attach(r.fd, mustAssemble(rejectAll)); err != nil {
				return fmt.Errorf("live capture: stopping %s: %w", r.name, err)
			}
		}
		c.draining = true
	}
	fds := c.pollFds[:0]
	for _, r := range c.rings {
		fds = append(fds, unix.PollFd{Fd: int32(r.fd), Events: unix.POLLIN})
	}
	timeout := -1
	if c.draining {
		timeout = int(2*c.tov/time.Millisecond) + 100
	} else {
		fds = append(fds, unix.PollFd{Fd: int32(c.wake), Events: unix.POLLIN})
	}
	n, err := unix.Poll(fds, timeout)
	if err != nil {
		if errors.Is(err, unix.EINTR) {
			return nil
		}
		return fmt.Errorf("live capture: poll: %w", err)
	}
	if n == 0 && c.draining {
		return io.EOF
	}
	for i, r := range c.rings {
		if fds[i].Revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 {
			serr, _ := unix.GetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_ERROR)
			if serr == 0 {
				continue
			}
			e := unix.Errno(serr)
			if e == unix.ENETDOWN {
				return fmt.Errorf("capturing on %s: the interface went down", r.name)
			}
			if e == unix.ENODEV || e == unix.ENXIO {
				return fmt.Errorf("capturing on %s: the interface went away", r.name)
			}
			return fmt.Errorf("capturing on %s: %w", r.name, e)
		}
	}
	return nil
}

func mustAssemble(prog []bpf.Instruction) []bpf.RawInstruction {
	raw, err := bpf.Assemble(prog)
	if err != nil {
		panic(err) // a constant program
	}
	return raw
}

// Stop ends the capture: Next returns what is already captured, then
// io.EOF. It may be called from any goroutine (a signal handler, a timer)
// and more than once.
func (c *Capture) Stop() {
	c.stopping.Store(true)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed && c.wake >= 0 {
		var one [8]byte
		host.PutUint64(one[:], 1)
		unix.Write(c.wake, one[:])
	}
}

// Stats reads the kernel's counters (which reading resets, so they are
// added up here) and returns the totals so far.
func (c *Capture) Stats() (Stats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var st Stats
	var firstErr error
	for _, r := range c.rings {
		if !c.closed {
			ks, err := unix.GetsockoptTpacketStatsV3(r.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("capturing on %s: PACKET_STATISTICS: %w", r.name, err)
			}
			if err == nil {
				r.stats.Received += uint64(ks.Packets)
				r.stats.Dropped += uint64(ks.Drops)
				r.stats.QueueFreezes += uint64(ks.Freeze_q_cnt)
			}
		}
		is := r.stats
		is.Name = r.name
		is.Captured = r.captured.Load()
		st.Received += is.Received
		st.Dropped += is.Dropped
		st.Captured += is.Captured
		st.Interfaces = append(st.Interfaces, is)
	}
	return st, firstErr
}

// isClosed reports whether Close has run.
func (c *Capture) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Close releases the sockets and rings; Stats still returns the last
// counters after it. It reads the counters one last time first. It may be
// called while another goroutine is in Next: it stops the capture and waits
// for that Next to return (with the frames already captured, then io.EOF)
// before unmapping the rings. Frames Next returned are invalid after Close.
func (c *Capture) Close() error {
	if c.isClosed() {
		return nil
	}
	c.Stop()
	c.reading.Lock()
	defer c.reading.Unlock()
	if len(c.rings) > 0 {
		c.Stats()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	for _, r := range c.rings {
		r.close()
	}
	if c.wake >= 0 {
		unix.Close(c.wake)
		c.wake = -1
	}
	return nil
}

var _ capture.Source = (*Capture)(nil)

// Supported reports whether live capture works on this system.
func Supported() bool { return true }
