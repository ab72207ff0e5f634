package main

import (
	"fmt"
	"io/fs"

	"github.com/v6scope/v6scope/lab"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui"
	"github.com/v6scope/v6scope/tui/model"
)

// runLab opens the terminal UI on the lab's capture.
func (e *env) runLab(l *lab.Lab, fsys fs.FS, o *tuiOptions) error {
	src, err := model.OpenFS(fsys, l.Capture, fmt.Sprintf("lab %d: %s", l.Number, l.Capture))
	if err != nil {
		return &exitError{exitInput, err}
	}
	defer src.Close()
	app, err := tui.New(tui.Options{Source: src, TimeFormat: output.TimeRelative, Light: o.light, Analyzer: analyzer()})
	if err != nil {
		return usageErr("%v", err)
	}
	if err := app.Run(); err != nil {
		return &exitError{exitInput, fmt.Errorf("terminal UI: %w", err)}
	}
	return nil
}
