package live

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotSupported is wrapped by the error Open returns where live capture
// is not implemented (anything but Linux).
var ErrNotSupported = errors.New("live capture is only implemented on Linux")

// NoSuchInterfaceError reports an interface name that does not exist.
type NoSuchInterfaceError struct {
	Name     string
	Existing []string // the interfaces there are, to choose from
}

func (e *NoSuchInterfaceError) Error() string {
	if len(e.Existing) == 0 {
		return fmt.Sprintf("no such interface %q", e.Name)
	}
	return fmt.Sprintf("no such interface %q; the interfaces here are: %s", e.Name, strings.Join(e.Existing, ", "))
}

// GrantHint says how to let v6scope capture without running it as root.
const GrantHint = "sudo setcap cap_net_raw,cap_net_admin=eip $(which v6scope)"

// PermissionError reports that the process may not open a packet socket:
// packet(7) needs CAP_NET_RAW (and promiscuous mode CAP_NET_ADMIN on some
// systems).
type PermissionError struct {
	Interface string
	Err       error
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("capturing on %s: %v: live capture needs the CAP_NET_RAW capability "+
		"(and CAP_NET_ADMIN for promiscuous mode); run as root, or grant them to the binary once with:\n    %s",
		e.Interface, e.Err, GrantHint)
}

func (e *PermissionError) Unwrap() error { return e.Err }

// InterfaceDownError reports an interface that is administratively down:
// nothing would be captured on it.
type InterfaceDownError struct {
	Name string
}

func (e *InterfaceDownError) Error() string {
	return fmt.Sprintf("interface %s is down; bring it up first (sudo ip link set %s up)", e.Name, e.Name)
}
