package model

// Task is a lab's questions for the task pane (v6scope lab start): the
// questions, and a grader that answers at once. Package lab provides one;
// the UI does not know how answers are computed.
type Task interface {
	// Title names the lab: "Lab 1 — Router discovery, SLAAC and DAD".
	Title() string
	Questions() []TaskQuestion
	// Check grades an answer to question id.
	Check(id, answer string) TaskFeedback
}

// TaskQuestion is one question as the pane shows it.
type TaskQuestion struct {
	ID      string
	Ask     string
	Type    string // number, address, string, choice, set
	Choices []string
	Hint    string
}

// TaskFeedback is the grade of one answer: right or not, and why (the
// explanation, or a hint).
type TaskFeedback struct {
	Correct bool
	Text    string
}
