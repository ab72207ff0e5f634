package model

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
)

// Schema is the field registry the filter bar validates and completes
// against.
var schema = sync.OnceValue(func() *decode.Schema { return decode.NewSchema() })

// Schema returns the decoder's field registry.
func Schema() *decode.Schema { return schema() }

// Check compiles expr as a display filter. It returns the filter, or a
// one-line message saying what is wrong and where (with the nearest field
// name for an unknown one); an empty expr gives (nil, "").
func Check(expr string) (*filter.Filter, string) {
	if strings.TrimSpace(expr) == "" {
		return nil, ""
	}
	f, err := filter.Compile(expr, Schema())
	if err != nil {
		var fe *filter.Error
		if errors.As(err, &fe) {
			msg := fe.Msg
			if fe.Suggestion != "" {
				msg += " (did you mean " + fe.Suggestion + "?)"
			}
			return nil, msg
		}
		return nil, err.Error()
	}
	return f, ""
}

// Complete returns completions of the field name being typed at the end of
// text: text with its last word replaced by each known field name that
// starts with it, at most max of them, shortest first.
func Complete(text string, max int) []string {
	start := len(text)
	for start > 0 && isNameByte(text[start-1]) {
		start--
	}
	word := text[start:]
	if word == "" {
		return nil
	}
	var out []string
	for _, name := range Schema().Names() {
		if strings.HasPrefix(name, word) && name != word {
			out = append(out, text[:start]+name)
		}
	}
	// Shorter names first: protocols before their fields.
	sortByLen(out)
	if len(out) > max {
		out = out[:max]
	}
	return out
}

func isNameByte(c byte) bool {
	return c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func sortByLen(s []string) {
	// insertion sort is enough for a few hundred names, and stable
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && (len(s[j]) < len(s[j-1]) || len(s[j]) == len(s[j-1]) && s[j] < s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Progress is what a FilterJob reports: the frames matched so far, in
// ascending order (the slice is only ever appended to: a report's Matches
// stays valid), how many frames were read of how many.
type Progress struct {
	Matches  []int32
	Done     int
	Total    int
	Finished bool  // every frame was read
	Canceled bool  // Cancel stopped it
	Err      error // a frame could not be read: matching stopped there
	Elapsed  time.Duration
}

// FilterJob runs a display filter over every frame of a source in its own
// goroutine, with its own decoder.
type FilterJob struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// reportEvery is how often a running job reports progress.
const reportEvery = 100 * time.Millisecond

// StartFilter matches f against frames 1…src.Len() (Len read at the start)
// and calls report with the progress now and then, and once at the end
// (Finished, Canceled or Err set). report is called from the job's
// goroutine: a view passes it on with Application.QueueUpdateDraw.
func StartFilter(src Source, f *filter.Filter, report func(Progress)) *FilterJob {
	return StartFilterFrom(src, f, 1, nil, report)
}

// StartFilterFrom matches f against frames from…src.Len() only, reporting
// matched (the matches among frames before from, kept as they are) followed
// by the new ones, and Done and Total counted from frame 1: the filter of a
// live capture goes on over the frames that arrived since it last ran.
func StartFilterFrom(src Source, f *filter.Filter, from int, matched []int32, report func(Progress)) *FilterJob {
	ctx, cancel := context.WithCancel(context.Background())
	j := &FilterJob{cancel: cancel, done: make(chan struct{})}
	go j.run(ctx, src, f, max(from, 1), matched[:len(matched):len(matched)], report)
	return j
}

// Cancel stops the job; its last report has Canceled set. It does not wait.
func (j *FilterJob) Cancel() { j.cancel() }

// Wait waits for the job to end.
func (j *FilterJob) Wait() { <-j.done }

func (j *FilterJob) run(ctx context.Context, src Source, f *filter.Filter, from int, matched []int32, report func(Progress)) {
	defer close(j.done)
	start := time.Now()
	d := decode.New()
	d.NoSummary = true // filters read the tree only
	var (
		fr    capture.Frame
		pkt   decode.Packet
		first time.Time
		prev  time.Time
		pr    = Progress{Total: src.Len(), Matches: matched, Done: from - 1}
	)
	last := start
	n := from - 1
	if from > 1 {
		// The time base the frames before from would have set.
		if err := src.ReadFrame(1, &fr); err == nil {
			first = fr.Time
		}
		if err := src.ReadFrame(from-1, &fr); err == nil {
			prev = fr.Time
		}
	}
	// each handles frame n; it reports false to stop.
	each := func(fr *capture.Frame) bool {
		n++
		if n&1023 == 0 {
			if ctx.Err() != nil {
				return false
			}
			if now := time.Now(); now.Sub(last) >= reportEvery {
				last = now
				pr.Elapsed = now.Sub(start)
				report(pr)
			}
		}
		if n == 1 {
			first, prev = fr.Time, fr.Time
		}
		d.SetTimeBase(first, prev)
		prev = fr.Time
		d.Decode(fr, &pkt)
		if f.Match(&pkt.Tree) {
			pr.Matches = append(pr.Matches, int32(n))
		}
		pr.Done = n
		return true
	}
	if sc, ok := src.(Scanner); ok && from == 1 {
		pr.Err = sc.Scan(pr.Total, each)
	} else {
		for n < pr.Total {
			if err := src.ReadFrame(n+1, &fr); err != nil {
				pr.Err = err
				break
			}
			if !each(&fr) {
				break
			}
		}
	}
	if ctx.Err() != nil {
		pr.Canceled = true
	}
	pr.Finished = !pr.Canceled && pr.Err == nil
	pr.Elapsed = time.Since(start)
	report(pr)
}
