package tui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/v6scope/v6scope/output"
	"github.com/v6scope/v6scope/tui/model"
	"github.com/v6scope/v6scope/tui/widgets"
)

// screenLab is the task pane of a lab (v6scope lab start): its questions,
// an answer field and the feedback on each answer.
const screenLab = "lab"

// labView is the lab screen: the question list on the left; the selected
// question, the answer field and the feedback on the right.
type labView struct {
	task      model.Task
	questions []model.TaskQuestion
	// per question: the last answer given and its grade
	given   []string
	graded  []bool
	correct []bool

	list     *tview.Table
	ask      *tview.TextView
	answer   *tview.InputField
	feedback *tview.TextView
	root     *tview.Flex
}

// buildLab makes the lab screen's widgets and adds its page.
func (a *App) buildLab() {
	v := &labView{}
	a.lab = v
	v.list = tview.NewTable().SetSelectable(true, false)
	v.list.SetBorder(true)
	v.list.SetSelectionChangedFunc(func(row, col int) { a.labShowQuestion() })
	v.ask = tview.NewTextView().SetWrap(true).SetWordWrap(true).SetDynamicColors(true)
	v.ask.SetBorder(true).SetTitle(" Question ")
	v.answer = tview.NewInputField().SetLabel("Answer: ").SetPlaceholder("Enter on a question to answer it")
	v.answer.SetBorder(true).SetTitle(" Answer (Enter checks it, Esc leaves) ")
	v.answer.SetDoneFunc(a.labAnswerDone)
	v.feedback = tview.NewTextView().SetWrap(true).SetWordWrap(true).SetDynamicColors(true)
	v.feedback.SetBorder(true).SetTitle(" Feedback ")
	right := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(v.ask, 0, 3, false).
		AddItem(v.answer, 3, 0, false).
		AddItem(v.feedback, 0, 2, false)
	v.root = tview.NewFlex().AddItem(v.list, 0, 2, true).AddItem(right, 0, 3, false)
	a.pages.AddPage(screenLab, v.root, true, false)
	a.SetTask(a.opts.Task)
}

// SetTask puts a lab's questions into the lab screen (nil: no lab). Call
// it on the event loop once Run has started.
func (a *App) SetTask(t model.Task) {
	v := a.lab
	v.task = t
	v.questions = nil
	if t != nil {
		v.questions = t.Questions()
	}
	n := len(v.questions)
	v.given, v.graded, v.correct = make([]string, n), make([]bool, n), make([]bool, n)
	v.feedback.SetText("")
	a.labFill()
	if n > 0 {
		v.list.Select(0, 0)
	}
	a.labShowQuestion()
}

// showLab is key 4.
func (a *App) showLab() bool {
	if a.lab.task == nil {
		a.message = "no lab is open: v6scope lab list shows the labs, v6scope lab start N opens one"
		a.updateStatus()
		return true
	}
	a.show(screenLab)
	return true
}

// labFill writes the question list and its title (with the score).
func (a *App) labFill() {
	v, th := a.lab, a.theme
	v.list.Clear()
	score := 0
	for i, q := range v.questions {
		mark, c := "·", th.Dim
		switch {
		case v.graded[i] && v.correct[i]:
			mark, c = "✓", th.Good
			score++
		case v.graded[i]:
			mark, c = "✗", th.Error
		}
		v.list.SetCell(i, 0, cell(mark, c))
		v.list.SetCell(i, 1, cell(fmt.Sprintf("%d", i+1), th.Dim).SetAlign(tview.AlignRight))
		v.list.SetCell(i, 2, cell(oneLine(q.Ask), th.Text).SetExpansion(1).SetMaxWidth(60))
	}
	title := " Lab "
	if v.task != nil {
		title = fmt.Sprintf(" %d/%d · %s ", score, len(v.questions), output.Safe(v.task.Title()))
	}
	v.list.SetTitle(widgets.Esc(title))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// labSelected is the index of the selected question, -1 for none.
func (a *App) labSelected() int {
	r, _ := a.lab.list.GetSelection()
	if r < 0 || r >= len(a.lab.questions) {
		return -1
	}
	return r
}

// labShowQuestion shows the selected question, its last answer and grade.
func (a *App) labShowQuestion() {
	v := a.lab
	i := a.labSelected()
	if i < 0 {
		v.ask.SetText("")
		return
	}
	q := v.questions[i]
	var b strings.Builder
	fmt.Fprintf(&b, "[::b]%d. %s[::-]  (%s)\n\n%s\n", i+1, widgets.Esc(q.ID), widgets.Esc(typeHelp(q.Type)), widgets.Esc(strings.TrimSpace(q.Ask)))
	for j, c := range q.Choices {
		fmt.Fprintf(&b, "\n  %c) %s", 'a'+j, widgets.Esc(c))
	}
	b.WriteString("\n\n[::d]Enter: answer · h: hint · 1: packets · 2: sessions · 3: anomalies[::-]")
	v.ask.SetText(b.String()).ScrollToBeginning()
	v.answer.SetText(v.given[i])
	if v.graded[i] {
		a.labFeedback(model.TaskFeedback{Correct: v.correct[i], Text: "(your last answer) "})
	} else {
		v.feedback.SetText("")
	}
}

// typeHelp says how an answer of each type is written.
func typeHelp(t string) string {
	switch t {
	case "number":
		return "a number"
	case "address":
		return "an address, prefix, address:port or MAC"
	case "choice":
		return "a choice: its text, letter or number"
	case "set":
		return "a list, comma-separated"
	}
	return "text"
}

// labEnter handles Enter on the question list: start typing the answer.
func (a *App) labEnter() bool {
	if a.app.GetFocus() != a.lab.list || a.labSelected() < 0 {
		return false
	}
	a.app.SetFocus(a.lab.answer)
	a.lab.answer.SetBorderColor(a.theme.Focus)
	return true
}

// labTyping reports whether keys go to the answer field.
func (a *App) labTyping() bool { return a.app.GetFocus() == a.lab.answer }

// labAnswerDone checks the answer on Enter; Esc leaves the field.
func (a *App) labAnswerDone(key tcell.Key) {
	v := a.lab
	i := a.labSelected()
	if key == tcell.KeyEnter && i >= 0 && v.task != nil {
		text := v.answer.GetText()
		fb := v.task.Check(v.questions[i].ID, text)
		v.given[i], v.graded[i], v.correct[i] = text, strings.TrimSpace(text) != "", fb.Correct
		a.labFeedback(fb)
		a.labFill()
		if fb.Correct {
			a.message = fmt.Sprintf("question %d: right", i+1)
		} else {
			a.message = fmt.Sprintf("question %d: not yet (h shows the hint)", i+1)
		}
		a.updateStatus()
	}
	if key == tcell.KeyEnter || key == tcell.KeyEscape {
		a.focus(v.list)
	}
}

func (a *App) labFeedback(fb model.TaskFeedback) {
	th := a.theme
	c, head := th.Error, "✗ "
	if fb.Correct {
		c, head = th.Good, "✓ "
	}
	a.lab.feedback.SetTextColor(c)
	a.lab.feedback.SetText(widgets.Esc(head + output.Safe(fb.Text))).ScrollToBeginning()
}

// labHint is key h.
func (a *App) labHint() bool {
	i := a.labSelected()
	if i < 0 {
		return true
	}
	a.lab.feedback.SetTextColor(a.theme.Warn)
	a.lab.feedback.SetText(widgets.Esc("Hint: " + a.lab.questions[i].Hint)).ScrollToBeginning()
	return true
}

// labPanes are the lab screen's panes in Tab order.
func (a *App) labPanes() []tview.Primitive {
	return []tview.Primitive{a.lab.list, a.lab.ask, a.lab.feedback}
}

func (a *App) labBoxes() []*tview.Box {
	return []*tview.Box{a.lab.list.Box, a.lab.ask.Box, a.lab.answer.Box, a.lab.feedback.Box}
}

func (a *App) themeLab() {
	th := a.theme
	for _, b := range a.labBoxes() {
		th.Style(b)
	}
	a.lab.ask.SetTextColor(th.Text)
	a.lab.list.SetSelectedStyle(tcell.StyleDefault.Background(th.SelectBG).Foreground(th.SelectFG))
	a.lab.answer.SetFieldStyle(tcell.StyleDefault.Background(th.SelectBG).Foreground(th.Text))
	a.lab.answer.SetLabelColor(th.Title)
	a.lab.answer.SetPlaceholderStyle(tcell.StyleDefault.Background(th.SelectBG).Foreground(th.Dim))
	a.labFill()
}

// LabScore returns the lab screen's marks: right answers and questions
// (for tests).
func (a *App) LabScore() (right, total int) {
	for i := range a.lab.questions {
		if a.lab.graded[i] && a.lab.correct[i] {
			right++
		}
	}
	return right, len(a.lab.questions)
}

// ShowLab shows the lab screen (v6scope lab start opens on it).
func (a *App) ShowLab() { a.showLab() }
