package tui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/v6scope/v6scope/tui/model"
)

// staticTask is a lab with fixed answers, for the lab screen's tests (the
// real grader is package lab's, tested there and in cmd/v6scope).
type staticTask struct {
	qs   []model.TaskQuestion
	keys map[string]string
}

func (s *staticTask) Title() string                   { return "Lab 9 — Test lab" }
func (s *staticTask) Questions() []model.TaskQuestion { return s.qs }
func (s *staticTask) Check(id, answer string) model.TaskFeedback {
	if strings.EqualFold(strings.TrimSpace(answer), s.keys[id]) {
		return model.TaskFeedback{Correct: true, Text: "Correct. Because."}
	}
	return model.TaskFeedback{Text: "Not quite. Hint: look again."}
}

func fakeTask() *staticTask {
	return &staticTask{
		qs: []model.TaskQuestion{
			{ID: "ra-count", Ask: "How many Router Advertisements are there?", Type: "number", Hint: "filter on icmpv6.type == 134"},
			{ID: "final", Ask: "Where does the router end?", Type: "choice", Choices: []string{"ADVERTISING", "EXPIRED"}, Hint: "the last RA"},
		},
		keys: map[string]string{"ra-count": "6", "final": "expired"},
	}
}

// TestLabScreen answers a lab's questions in the task pane: typing goes to
// the answer field (not to the key table), Enter checks, the feedback and
// the marks follow, and the packets screen still works.
func TestLabScreen(t *testing.T) {
	h := open(t, "kernel-nd-mld.pcapng", Options{Analyzer: model.StaticAnalyzer{A: fakeAnalysis()}, Task: fakeTask()})
	h.rune('4')
	h.screenHas("0/2 · Lab 9 — Test lab")
	h.screenHas("How many Router Advertisements are there?")

	// A wrong answer: "q" and "1" are keys elsewhere, but go into the field.
	h.special(tcell.KeyEnter)
	h.onLoop(func() {
		if h.a.Focused() != h.a.lab.answer {
			t.Fatalf("Enter on a question focused %T, not the answer field", h.a.Focused())
		}
	})
	h.typeText("q1")
	h.special(tcell.KeyEnter)
	h.paneHas(h.a.lab.feedback, "✗ Not quite. Hint: look again.")
	h.onLoop(func() {
		if h.a.screen != screenLab || h.a.Focused() != h.a.lab.list {
			t.Errorf("after answering: %s screen, focus %T", h.a.screen, h.a.Focused())
		}
		if r, n := h.a.LabScore(); r != 0 || n != 2 {
			t.Errorf("score %d/%d after a wrong answer", r, n)
		}
	})
	h.screenHas("✗")

	// The right one: the field keeps the last answer; clear it first.
	h.special(tcell.KeyEnter)
	h.onLoop(func() { h.a.lab.answer.SetText("") })
	h.typeText("6")
	h.special(tcell.KeyEnter)
	h.paneHas(h.a.lab.feedback, "✓ Correct. Because.")
	h.screenHas("1/2 · Lab 9 — Test lab")

	// The second question, a choice, answered by letter is the grader's
	// business: here the text.
	h.special(tcell.KeyDown)
	h.screenHas("b) EXPIRED")
	h.rune('h')
	h.paneHas(h.a.lab.feedback, "Hint: the last RA")
	h.special(tcell.KeyEnter)
	h.typeText("Expired")
	h.special(tcell.KeyEnter)
	h.screenHas("2/2 · Lab 9 — Test lab")

	// Esc in the answer field leaves it without checking.
	h.special(tcell.KeyEnter)
	h.typeText("zzz")
	h.special(tcell.KeyEscape)
	h.onLoop(func() {
		if r, _ := h.a.LabScore(); r != 2 || h.a.Focused() != h.a.lab.list {
			t.Errorf("Esc in the answer field: score %d, focus %T", r, h.a.Focused())
		}
	})

	// Back to the packets and to the lab: the marks stay.
	h.rune('1')
	h.onLoop(func() {
		if h.a.screen != screenPackets {
			t.Errorf("1 from the lab screen shows %s", h.a.screen)
		}
	})
	h.rune('4')
	h.screenHas("2/2")
}
