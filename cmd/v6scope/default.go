package main

import (
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/pcaps"
)

// runDefault prints the bundled sample capture: what `go run ./cmd/v6scope`
// shows a newcomer. (The terminal UI will open it here once it exists.)
func (e *env) runDefault() error {
	f, err := pcaps.FS.Open(pcaps.Default)
	if err != nil {
		return &exitError{exitInput, err}
	}
	defer f.Close()
	r, err := capture.NewReader(f, "bundled "+pcaps.Default)
	if err != nil {
		return &exitError{exitInput, err}
	}
	o := &readOptions{format: "text", timeFmt: "r"}
	s, err := newSink(o)
	if err != nil {
		return err
	}
	return e.print(r, s, o)
}
