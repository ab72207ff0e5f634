// Package widgets holds the terminal UI's building blocks: tview primitives
// that show the model's data (the virtual packet table, the field tree, the
// hex and ASCII bytes pane, the command bar) and the colour themes. Views in
// package tui put them together; widgets know nothing of each other.
//
// Text given to a widget is already sanitized by the model (output.Safe);
// widgets escape tview's style tags ("[red]") with Esc before drawing it.
package widgets

import "github.com/rivo/tview"

// Esc escapes tview's style and region tags in text that must be shown
// as it is.
func Esc(s string) string { return tview.Escape(s) }
