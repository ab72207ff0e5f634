package live

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// asm assembles a classic BPF program with named labels, so that the
// program generator can say "jump to accept" instead of counting
// instructions. Classic BPF jumps only forward; a conditional jump reaches
// at most 255 instructions ahead (its offsets are 8 bits), an unconditional
// one (ja) 2^32-1. Labels are resolved by assemble.
type asm struct {
	ins    []bpf.Instruction
	labels map[string]int
	refs   []labelRef
}

// labelRef is a jump whose target is a label: jt/jf for conditional
// jumps ("" means the next instruction), ja for an unconditional one.
type labelRef struct {
	at         int
	jt, jf, ja string
}

func newAsm() *asm { return &asm{labels: map[string]int{}} }

// emit appends instructions that jump nowhere.
func (a *asm) emit(ins ...bpf.Instruction) { a.ins = append(a.ins, ins...) }

// label names the next instruction.
func (a *asm) label(name string) {
	if _, dup := a.labels[name]; dup {
		panic("bpf asm: duplicate label " + name) // a bug in the generator
	}
	a.labels[name] = len(a.ins)
}

// jif emits a conditional jump: to ifTrue when A cond val holds, else to
// ifFalse ("" for either means: the next instruction).
func (a *asm) jif(cond bpf.JumpTest, val uint32, ifTrue, ifFalse string) {
	a.refs = append(a.refs, labelRef{at: len(a.ins), jt: ifTrue, jf: ifFalse})
	a.ins = append(a.ins, bpf.JumpIf{Cond: cond, Val: val})
}

// jifx emits a conditional jump comparing A with X.
func (a *asm) jifx(cond bpf.JumpTest, ifTrue, ifFalse string) {
	a.refs = append(a.refs, labelRef{at: len(a.ins), jt: ifTrue, jf: ifFalse})
	a.ins = append(a.ins, bpf.JumpIfX{Cond: cond})
}

// jeq jumps to label when A == val and falls through otherwise.
func (a *asm) jeq(val uint32, label string) { a.jif(bpf.JumpEqual, val, label, "") }

// ja jumps to label unconditionally.
func (a *asm) ja(label string) {
	a.refs = append(a.refs, labelRef{at: len(a.ins), ja: label})
	a.ins = append(a.ins, bpf.Jump{})
}

// assemble resolves the labels and returns the program.
func (a *asm) assemble() ([]bpf.Instruction, error) {
	skip := func(from int, label string, max int) (uint32, error) {
		if label == "" {
			return 0, nil
		}
		to, ok := a.labels[label]
		if !ok {
			return 0, fmt.Errorf("bpf asm: undefined label %q", label)
		}
		d := to - from - 1
		if d < 0 || d > max {
			return 0, fmt.Errorf("bpf asm: jump from %d to %q (%d) out of range", from, label, to)
		}
		return uint32(d), nil
	}
	skip2 := func(r labelRef) (uint8, uint8, error) {
		t, err := skip(r.at, r.jt, 255)
		if err != nil {
			return 0, 0, err
		}
		f, err := skip(r.at, r.jf, 255)
		return uint8(t), uint8(f), err
	}
	for _, r := range a.refs {
		switch ins := a.ins[r.at].(type) {
		case bpf.Jump:
			s, err := skip(r.at, r.ja, 1<<31)
			if err != nil {
				return nil, err
			}
			ins.Skip = s
			a.ins[r.at] = ins
		case bpf.JumpIf:
			t, f, err := skip2(r)
			if err != nil {
				return nil, err
			}
			ins.SkipTrue, ins.SkipFalse = t, f
			a.ins[r.at] = ins
		case bpf.JumpIfX:
			t, f, err := skip2(r)
			if err != nil {
				return nil, err
			}
			ins.SkipTrue, ins.SkipFalse = t, f
			a.ins[r.at] = ins
		}
	}
	return a.ins, nil
}
