package main

import (
	"fmt"
	"io/fs"

	"github.com/v6scope/v6scope/lab"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui"
	"github.com/v6scope/v6scope/tui/model"
)

// runLab opens the terminal UI on the lab's capture, with the lab's
// questions on the lab screen.
func (e *env) runLab(l *lab.Lab, fsys fs.FS, o *tuiOptions) error {
	k, err := labKey(l, fsys)
	if err != nil {
		return err
	}
	src, err := model.OpenFS(fsys, l.Capture, fmt.Sprintf("lab %d: %s", l.Number, l.Capture))
	if err != nil {
		return &exitError{exitInput, err}
	}
	defer src.Close()
	app, err := tui.New(tui.Options{Source: src, TimeFormat: output.TimeRelative, Light: o.light, Analyzer: analyzer(), Task: labTask{k}})
	if err != nil {
		return usageErr("%v", err)
	}
	app.ShowLab()
	if err := app.Run(); err != nil {
		return &exitError{exitInput, fmt.Errorf("terminal UI: %w", err)}
	}
	return nil
}

// labTask is a lab and its key as the UI's lab screen sees them.
type labTask struct{ k *lab.Key }

func (t labTask) Title() string {
	return fmt.Sprintf("Lab %d — %s", t.k.Lab.Number, t.k.Lab.Title)
}

func (t labTask) Questions() []model.TaskQuestion {
	qs := make([]model.TaskQuestion, len(t.k.Lab.Questions))
	for i, q := range t.k.Lab.Questions {
		qs[i] = model.TaskQuestion{ID: q.ID, Ask: q.Ask, Type: q.Type, Choices: q.Choices, Hint: q.Hint}
	}
	return qs
}

func (t labTask) Check(id, answer string) model.TaskFeedback {
	r := t.k.Grade(id, answer)
	return model.TaskFeedback{Correct: r.Correct, Text: r.Feedback}
}
