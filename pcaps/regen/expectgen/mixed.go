package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/pcaps/expect"
)

// mixedScenario is pcaps/mixed.pcapng (pcaps/regen/mixed.sh): captures of
// several scenarios that ran side by side, merged by mergecap. Its
// expect.json is built from the parts' own expect.json files (see
// buildMixed), not from facts of its own.
const mixedScenario = "mixed"

// mixedPart is one line of the facts directory's "parts" file.
type mixedPart struct {
	name, pcap string // pcap: the part's capture with prefixed interfaces
	exp        *expect.Expectation
	frames     []int // the part's frame i+1 is frame frames[i] of the mixed capture
}

// buildMixed describes a capture that mergecap made from the captures
// listed in FACTS/parts, one line "NAME PCAP EXPECT" per part: the part's
// short name, its capture as merged (interfaces renamed NAME/…) and the
// expect.json its own script wrote. Counts are the union of the parts'
// count filters, taken on the mixed capture with the union of their
// tshark preferences; each part is counted too, with the same
// preferences, and must still give its own expect.json's numbers (another
// part's preference must not change how tshark reads it), and the parts
// must add up to the mixed capture's counts. Key frames, hosts,
// neighbors, NUD traces, Teredo clients and IKE SAs are the parts', with
// frame numbers mapped onto the mixed capture (by interface and
// timestamp) and node names prefixed NAME/.
func buildMixed(pcap, facts, generator string) (*expect.Expectation, error) {
	parts, err := readParts(filepath.Join(facts, "parts"))
	if err != nil {
		return nil, err
	}
	e := &expect.Expectation{
		File:      filepath.Base(pcap),
		Generator: generator,
		Counts:    map[string]int{},
		Needs:     map[string]string{},
	}
	filters := map[string]bool{}
	prefs := map[string]bool{}
	for _, p := range parts {
		for f := range p.exp.Counts {
			filters[f] = true
		}
		for _, pr := range p.exp.TsharkPrefs {
			prefs[pr] = true
		}
		for k, v := range p.exp.Needs {
			if _, ok := e.Needs[k]; !ok {
				e.Needs[k] = v
			}
		}
		if p.exp.MLD != nil {
			return nil, fmt.Errorf("part %s: merging MLD state is not supported", p.name)
		}
	}
	if len(e.Needs) == 0 {
		e.Needs = nil
	}
	for pr := range prefs {
		e.TsharkPrefs = append(e.TsharkPrefs, pr)
	}
	sort.Strings(e.TsharkPrefs)
	var list []string
	for f := range filters {
		list = append(list, f)
	}
	sort.Strings(list)
	describeCapture(e, pcap)

	// Frame numbers: mergecap keeps each file's frame order, so the n-th
	// frame of a part with a given interface and timestamp is the n-th
	// such frame of the mixed capture.
	mixed, ifaces, err := frameKeys(pcap)
	if err != nil {
		return nil, err
	}
	e.Frames = len(mixed)
	e.Interfaces = ifaces
	at := map[string][]int{}
	for i, k := range mixed {
		at[k] = append(at[k], i+1)
	}
	for _, p := range parts {
		keys, _, err := frameKeys(p.pcap)
		if err != nil {
			return nil, err
		}
		if len(keys) != p.exp.Frames {
			return nil, fmt.Errorf("part %s: %s has %d frames, its expect.json says %d", p.name, p.pcap, len(keys), p.exp.Frames)
		}
		for _, k := range keys {
			q := at[k]
			if len(q) == 0 {
				return nil, fmt.Errorf("part %s: frame %d (%s) is not in %s", p.name, len(p.frames)+1, k, pcap)
			}
			p.frames = append(p.frames, q[0])
			at[k] = q[1:]
		}
	}
	for k, q := range at {
		if len(q) > 0 {
			return nil, fmt.Errorf("%s: frame %d (%s) belongs to no part", pcap, q[0], k)
		}
	}

	// Counts: the mixed capture, then each part with the same preferences.
	g := &gen{ctx: context.Background(), pcap: pcap, prefs: e.TsharkPrefs}
	total, err := g.countAll(list)
	if err != nil {
		return nil, err
	}
	sums := make([]int, len(list))
	for _, p := range parts {
		pg := &gen{ctx: context.Background(), pcap: p.pcap, prefs: e.TsharkPrefs}
		n, err := pg.countAll(list)
		if err != nil {
			return nil, err
		}
		part := expect.Part{
			Name: p.name, File: p.exp.File, Generator: p.exp.Generator, Description: p.exp.Description,
			Frames: p.exp.Frames, FirstFrame: p.frames[0], LastFrame: slices.Max(p.frames),
			Counts: map[string]int{},
		}
		for _, ifc := range p.exp.Interfaces {
			part.Interfaces = append(part.Interfaces, p.name+"/"+ifc)
		}
		for i, f := range list {
			if own, ok := p.exp.Counts[f]; ok && own != n[i] {
				return nil, fmt.Errorf("part %s: with preferences %v tshark counts %d frames for %q, its expect.json %d",
					p.name, e.TsharkPrefs, n[i], f, own)
			}
			if n[i] > 0 {
				part.Counts[f] = n[i]
			}
			sums[i] += n[i]
		}
		e.Parts = append(e.Parts, part)
	}
	for i, f := range list {
		if sums[i] != total[i] {
			return nil, fmt.Errorf("tshark counts %d frames for %q in %s, but %d in its parts together", total[i], f, pcap, sums[i])
		}
		e.Counts[f] = total[i]
	}

	for _, p := range parts {
		mergePart(e, p)
	}
	sort.SliceStable(e.KeyFrames, func(i, j int) bool { return e.KeyFrames[i].Frame < e.KeyFrames[j].Frame })
	return e, nil
}

// mergePart copies a part's facts into e, with frame numbers of the mixed
// capture and node names prefixed by the part's name.
func mergePart(e *expect.Expectation, p *mixedPart) {
	pe := p.exp
	frame := func(n int) int {
		if n < 1 || n > len(p.frames) {
			return n // 0: none
		}
		return p.frames[n-1]
	}
	frameList := func(l []int) []int {
		var out []int
		for _, n := range l {
			out = append(out, frame(n))
		}
		return out
	}
	node := func(n string) string {
		if n == "" {
			return n
		}
		return p.name + "/" + n
	}
	if e.Kernel == "" {
		e.Kernel = pe.Kernel
	}
	for _, k := range pe.KeyFrames {
		k.Frame = frame(k.Frame)
		k.What = p.name + ": " + k.What
		e.KeyFrames = append(e.KeyFrames, k)
	}
	for _, h := range pe.Hosts {
		h.Node = node(h.Node)
		e.Hosts = append(e.Hosts, h)
	}
	for _, n := range pe.Neighbors {
		n.Node = node(n.Node)
		e.Neighbors = append(e.Neighbors, n)
	}
	for _, t := range pe.NUD {
		t.Node = node(t.Node)
		t.Frames = frameList(t.Frames)
		e.NUD = append(e.NUD, t)
	}
	for _, c := range pe.Teredo {
		c.Node = node(c.Node)
		c.Frames = frameList(c.Frames)
		e.Teredo = append(e.Teredo, c)
	}
	for _, s := range pe.IKESAs {
		s.Initiator = node(s.Initiator)
		s.FirstFrame, s.LastFrame = frame(s.FirstFrame), frame(s.LastFrame)
		e.IKESAs = append(e.IKESAs, s)
	}
}

func readParts(path string) ([]*mixedPart, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var parts []*mixedPart
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 3 {
			return nil, fmt.Errorf("%s: want \"NAME PCAP EXPECT\", got %q", path, sc.Text())
		}
		data, err := os.ReadFile(fs[2])
		if err != nil {
			return nil, err
		}
		exp, err := expect.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("part %s: %w", fs[0], err)
		}
		parts = append(parts, &mixedPart{name: fs[0], pcap: fs[1], exp: exp})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%s: no parts", path)
	}
	return parts, nil
}

// frameKeys reads a capture with v6scope's reader and returns, per frame,
// "interface-name timestamp", and the interface names in IDB order.
func frameKeys(path string) ([]string, []string, error) {
	r, err := capture.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var keys []string
	var f capture.Frame
	for {
		err := r.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		keys = append(keys, r.Interfaces()[f.Interface].Name+" "+strconv.FormatInt(f.Time.UnixNano(), 10))
	}
	var names []string
	for _, ifc := range r.Interfaces() {
		names = append(names, ifc.Name)
	}
	return keys, names, nil
}

// countAll counts the frames each filter matches in one tshark pass
// (`-z io,stat,0,COUNT(frame)frame&&(F)…`, as pcaps_test.go does).
func (g *gen) countAll(filters []string) ([]int, error) {
	cols := make([]string, len(filters))
	for i, f := range filters {
		if strings.Contains(f, ",") {
			return nil, fmt.Errorf("filter %q has a comma, which -z io,stat cannot take", f)
		}
		cols[i] = "COUNT(frame)frame&&(" + f + ")"
	}
	out, err := g.tshark("-q", "-z", "io,stat,0,"+strings.Join(cols, ","))
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "<>") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != len(filters)+1 {
			return nil, fmt.Errorf("%s: io,stat row has %d cells, want %d", g.pcap, len(cells), len(filters)+1)
		}
		counts := make([]int, len(filters))
		for i, c := range cells[1:] {
			if counts[i], err = strconv.Atoi(strings.TrimSpace(c)); err != nil {
				return nil, fmt.Errorf("%s: io,stat cell %q: %w", g.pcap, c, err)
			}
		}
		return counts, nil
	}
	return nil, fmt.Errorf("%s: no io,stat row in tshark's output", g.pcap)
}
