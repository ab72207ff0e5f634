package main

import (
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/pcaps"
)

// runDefault is what `v6scope` with no arguments does: on a terminal it
// opens the bundled mixed capture in the terminal UI, so a newcomer sees
// something real at once; with standard output redirected (v6scope | head)
// it prints that capture as read does, since a pipe cannot show a UI.
func (e *env) runDefault() error {
	if isTerminal(e.stdout) {
		return e.runTUI("", &tuiOptions{timeFmt: "r"})
	}
	f, err := pcaps.FS.Open(tuiDefault)
	if err != nil {
		return &exitError{exitInput, err}
	}
	defer f.Close()
	r, err := capture.NewReader(f, "bundled "+tuiDefault)
	if err != nil {
		return &exitError{exitInput, err}
	}
	o := &readOptions{format: "text", timeFmt: "r", teredo: true}
	s, err := newSink(o)
	if err != nil {
		return err
	}
	return e.print(r, s, o)
}
