//go:build !linux

package replay

import (
	"errors"
	"net"
	"time"

	"github.com/v6scope/v6scope/capture"
)

var errNotLinux = errors.New("sending on an interface needs Linux (AF_PACKET); write a file with -w instead")

// Interface is only implemented on Linux.
type Interface struct{}

// InterfaceOptions tune the sending socket.
type InterfaceOptions struct{ QdiscBypass bool }

// OpenInterface fails: AF_PACKET is Linux's.
func OpenInterface(name string, o InterfaceOptions) (*Interface, error) { return nil, errNotLinux }

func (s *Interface) Name() string                   { return "" }
func (s *Interface) MTU() int                       { return 0 }
func (s *Interface) Paced() bool                    { return true }
func (s *Interface) Start(time.Time) error          { return errNotLinux }
func (s *Interface) LinkType() capture.LinkType     { return capture.LinkEthernet }
func (s *Interface) HardwareAddr() net.HardwareAddr { return nil }
func (s *Interface) Send([]Packet) (int, error)     { return 0, errNotLinux }
func (s *Interface) Close() error                   { return nil }
