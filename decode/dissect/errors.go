package dissect

import (
	"errors"
	"fmt"
)

// Sentinel errors a layer's DecodeFromBytes wraps, so callers can test them
// with errors.Is.
var (
	// ErrTruncated: the capture holds fewer bytes than the header needs.
	ErrTruncated = errors.New("truncated")
	// ErrMalformed: the bytes are there but break the protocol's rules.
	ErrMalformed = errors.New("malformed")
)

// Truncated returns an ErrTruncated error naming what was cut short.
func Truncated(what string, need, have int) error {
	return fmt.Errorf("%s needs %d bytes, only %d captured: %w", what, need, have, ErrTruncated)
}

// Malformed returns an ErrMalformed error with a message.
func Malformed(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, ErrMalformed)...)
}
