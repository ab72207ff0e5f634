//go:build linux

package replay

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/v6scope/v6scope/capture"
)

// Interface sends frames on a network interface through an AF_PACKET
// SOCK_RAW socket (packet(7)): the frame goes to the driver as it is, link
// header included. Batches go in one sendmmsg(2) call. The socket is bound
// with protocol 0, so it receives nothing.
type Interface struct {
	name  string
	index int
	mtu   int
	lt    capture.LinkType
	mac   net.HardwareAddr
	fd    int
	msgs  []mmsghdr
	iovs  []unix.Iovec
}

// mmsghdr is struct mmsghdr (sendmmsg(2)); x/sys has no wrapper.
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [unsafe.Sizeof(uintptr(0)) - 4]byte
}

// InterfaceOptions tune the sending socket.
type InterfaceOptions struct {
	// QdiscBypass sets PACKET_QDISC_BYPASS: frames skip the kernel's
	// queueing discipline (faster; the driver's queue full is then an
	// error at once).
	QdiscBypass bool
}

// OpenInterface opens name for sending. It fails with ErrNoIface,
// ErrDown (the interface is administratively down) or ErrPermission
// (no CAP_NET_RAW), each with what to do.
func OpenInterface(name string, o InterfaceOptions) (*Interface, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q (ip link shows the interfaces of this network namespace)", ErrNoIface, name)
	}
	if ifi.Flags&net.FlagUp == 0 {
		return nil, fmt.Errorf("%s: %w (bring it up with: ip link set %s up)", name, ErrDown, name)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, permissionErr(name)
		}
		return nil, fmt.Errorf("%s: AF_PACKET socket: %w", name, err)
	}
	sa := &unix.SockaddrLinklayer{Ifindex: ifi.Index}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: bind: %w", name, err)
	}
	if o.QdiscBypass {
		if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_QDISC_BYPASS, 1); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("%s: PACKET_QDISC_BYPASS: %w", name, err)
		}
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, 4<<20)
	lt := capture.LinkEthernet
	if len(ifi.HardwareAddr) != 6 && ifi.Flags&net.FlagLoopback == 0 {
		lt = capture.LinkRaw
	}
	return &Interface{name: name, index: ifi.Index, mtu: ifi.MTU, lt: lt, mac: ifi.HardwareAddr, fd: fd}, nil
}

func permissionErr(name string) error {
	exe, _ := os.Executable()
	if exe == "" {
		exe = "v6scope"
	}
	return fmt.Errorf("%s: %w: sending needs CAP_NET_RAW; run as root, or grant it once with: sudo setcap cap_net_raw+ep %s", name, ErrPermission, exe)
}

func (s *Interface) Name() string               { return "interface " + s.name }
func (s *Interface) MTU() int                   { return s.mtu }
func (s *Interface) Paced() bool                { return true }
func (s *Interface) Start(time.Time) error      { return nil }
func (s *Interface) LinkType() capture.LinkType { return s.lt }

// HardwareAddr is the interface's MAC address.
func (s *Interface) HardwareAddr() net.HardwareAddr { return s.mac }

// Send sends the batch: one write for one frame, sendmmsg for more.
func (s *Interface) Send(batch []Packet) (int, error) {
	if len(batch) == 1 {
		_, err := unix.Write(s.fd, batch[0].Frame.Data)
		if err != nil {
			return 0, s.sendErr(err, batch[0].Frame)
		}
		return 1, nil
	}
	if cap(s.msgs) < len(batch) {
		s.msgs = make([]mmsghdr, len(batch))
		s.iovs = make([]unix.Iovec, len(batch))
	}
	msgs, iovs := s.msgs[:len(batch)], s.iovs[:len(batch)]
	for i, p := range batch {
		iovs[i].Base = unsafe.SliceData(p.Frame.Data)
		iovs[i].SetLen(len(p.Frame.Data))
		msgs[i] = mmsghdr{}
		msgs[i].hdr.Iov = &iovs[i]
		msgs[i].hdr.SetIovlen(1)
	}
	n, _, errno := unix.Syscall6(unix.SYS_SENDMMSG, uintptr(s.fd), uintptr(unsafe.Pointer(&msgs[0])), uintptr(len(msgs)), 0, 0, 0)
	if errno != 0 {
		return 0, s.sendErr(errno, batch[0].Frame)
	}
	if int(n) < len(batch) {
		// The next frame failed: sending it alone reports why.
		_, err := unix.Write(s.fd, batch[n].Frame.Data)
		if err != nil {
			return int(n), s.sendErr(err, batch[n].Frame)
		}
		return int(n) + 1, nil
	}
	return int(n), nil
}

func (s *Interface) sendErr(err error, f *Frame) error {
	switch {
	case errors.Is(err, unix.ENOBUFS), errors.Is(err, unix.EAGAIN):
		return ErrRetry
	case errors.Is(err, unix.EMSGSIZE):
		return fmt.Errorf("%w: %s refused it (%v)", ErrOversize, s.name, err)
	case errors.Is(err, unix.ENETDOWN):
		return fmt.Errorf("frame %d: %s: %w (bring it up with: ip link set %s up)", f.Number, s.name, ErrDown, s.name)
	case errors.Is(err, unix.ENXIO), errors.Is(err, unix.ENODEV):
		return fmt.Errorf("frame %d: %s: %w: it went away", f.Number, s.name, ErrNoIface)
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return permissionErr(s.name)
	}
	return fmt.Errorf("frame %d: sending on %s: %w", f.Number, s.name, err)
}

// Close closes the socket.
func (s *Interface) Close() error { return unix.Close(s.fd) }
