package widgets

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/output"
)

// FieldTree is the selected packet's field tree. Each node's reference is
// the field's index in the packet's Tree.Fields.
type FieldTree struct {
	*tview.TreeView
	nodes []*tview.TreeNode // by field index (nil for hidden fields)
	theme *Theme
	// OnField is called with the field index when the selection moves.
	OnField func(i int)
}

// NewFieldTree returns an empty tree.
func NewFieldTree(theme *Theme) *FieldTree {
	ft := &FieldTree{TreeView: tview.NewTreeView(), theme: theme}
	ft.SetTopLevel(1)
	ft.SetChangedFunc(func(n *tview.TreeNode) {
		if i, ok := n.GetReference().(int); ok && ft.OnField != nil {
			ft.OnField(i)
		}
	})
	ft.SetSelectedFunc(func(n *tview.TreeNode) { n.SetExpanded(!n.IsExpanded()) })
	ft.SetTheme(theme)
	return ft
}

// SetTheme recolours the tree.
func (ft *FieldTree) SetTheme(theme *Theme) {
	ft.theme = theme
	theme.Style(ft.Box)
	ft.SetGraphicsColor(theme.Border)
	for _, n := range ft.nodes {
		if n != nil {
			n.SetColor(theme.Text)
			n.SetSelectedTextStyle(tcell.StyleDefault.Background(theme.SelectBG).Foreground(theme.SelectFG))
		}
	}
}

// SetPacket shows p's fields; nil empties the tree. The frame subtree
// starts collapsed, every other node expanded.
func (ft *FieldTree) SetPacket(p *decode.Packet) {
	root := tview.NewTreeNode("")
	ft.nodes = ft.nodes[:0]
	if p == nil {
		ft.SetRoot(root)
		return
	}
	stack := []*tview.TreeNode{root}
	var first *tview.TreeNode
	for i := range p.Tree.Fields {
		f := &p.Tree.Fields[i]
		if f.Hidden {
			ft.nodes = append(ft.nodes, nil)
			continue
		}
		text := string(output.AppendLabel(nil, p, i))
		n := tview.NewTreeNode(Esc(text)).SetReference(i).SetColor(ft.theme.Text).SetSelectable(true)
		n.SetSelectedTextStyle(tcell.StyleDefault.Background(ft.theme.SelectBG).Foreground(ft.theme.SelectFG))
		if f.Info == dissect.ExpertField || f.Info == dissect.MalformedField {
			n.SetColor(ft.theme.Warn)
		}
		d := min(f.Depth+1, len(stack))
		stack = stack[:d]
		stack[d-1].AddChild(n)
		stack = append(stack, n)
		ft.nodes = append(ft.nodes, n)
		if f.Depth == 0 && f.Name() == "frame" {
			n.SetExpanded(false)
		}
		if first == nil {
			first = n
		}
	}
	ft.SetRoot(root)
	if first != nil {
		ft.SetCurrentNode(first)
	}
}

// Select makes field i the current node, expanding its ancestors.
func (ft *FieldTree) Select(i int) {
	if i < 0 || i >= len(ft.nodes) || ft.nodes[i] == nil {
		return
	}
	target := ft.nodes[i]
	// Expand the path from the root.
	path := ft.path(ft.GetRoot(), target)
	for _, n := range path {
		n.SetExpanded(true)
	}
	ft.SetCurrentNode(target)
}

func (ft *FieldTree) path(from, to *tview.TreeNode) []*tview.TreeNode {
	if from == to {
		return []*tview.TreeNode{from}
	}
	for _, c := range from.GetChildren() {
		if p := ft.path(c, to); p != nil {
			return append([]*tview.TreeNode{from}, p...)
		}
	}
	return nil
}

// Current returns the selected field's index, or -1.
func (ft *FieldTree) Current() int {
	if n := ft.GetCurrentNode(); n != nil {
		if i, ok := n.GetReference().(int); ok {
			return i
		}
	}
	return -1
}

// ExpandAll expands (or collapses) every node.
func (ft *FieldTree) ExpandAll(on bool) {
	for _, n := range ft.nodes {
		if n != nil {
			n.SetExpanded(on)
		}
	}
}
