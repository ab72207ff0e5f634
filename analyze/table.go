package analyze

// Table is a map of sessions with a capacity: when it is full, adding a
// session evicts the least recently used one, calls OnEvict and counts it.
// Memory is bounded by the capacity, never by the number of packets.
type Table[K comparable, V any] struct {
	m          map[K]*Entry[K, V]
	head, tail *Entry[K, V] // most recently used first
	cap        int
	evicted    int
	deleted    int // since the map was last rebuilt
	// OnEvict is called with an entry about to be evicted, so that its
	// owner can stop its timers and report it.
	OnEvict func(*Entry[K, V])
}

// Entry is one session of a Table; Val lives inside it, so *Val is stable
// for the session's life.
type Entry[K comparable, V any] struct {
	Key        K
	Val        V
	prev, next *Entry[K, V]
}

// NewTable returns a table holding at most capacity sessions (at least 1).
func NewTable[K comparable, V any](capacity int) *Table[K, V] {
	if capacity < 1 {
		capacity = 1
	}
	return &Table[K, V]{m: make(map[K]*Entry[K, V], min(capacity, 1024)), cap: capacity}
}

// Len returns the number of sessions held.
func (t *Table[K, V]) Len() int { return len(t.m) }

// Cap returns the capacity.
func (t *Table[K, V]) Cap() int { return t.cap }

// Evicted returns how many sessions were evicted so far.
func (t *Table[K, V]) Evicted() int { return t.evicted }

// Get returns the session for k and marks it used, or nil.
func (t *Table[K, V]) Get(k K) *Entry[K, V] {
	e := t.m[k]
	if e != nil && e != t.head {
		t.unlink(e)
		t.pushFront(e)
	}
	return e
}

// Peek returns the session for k without marking it used, or nil.
func (t *Table[K, V]) Peek(k K) *Entry[K, V] { return t.m[k] }

// Add returns the session for k, creating it (zero Val) when absent;
// created says which. Creating a session in a full table evicts the least
// recently used one first.
func (t *Table[K, V]) Add(k K) (e *Entry[K, V], created bool) {
	if e = t.Get(k); e != nil {
		return e, false
	}
	if len(t.m) >= t.cap && t.tail != nil {
		old := t.tail
		if t.OnEvict != nil {
			t.OnEvict(old)
		}
		t.Delete(old.Key)
		t.evicted++
	}
	e = &Entry[K, V]{Key: k}
	t.m[k] = e
	t.pushFront(e)
	return e, true
}

// Delete removes the session for k.
func (t *Table[K, V]) Delete(k K) {
	e := t.m[k]
	if e == nil {
		return
	}
	t.unlink(e)
	delete(t.m, k)
	t.deleted++
	if t.deleted > t.cap/4 {
		t.rebuild()
	}
}

// rebuild copies the map afresh. A Go map keeps the slots of deleted keys
// as tombstones, and a table that evicts for ever would probe through more
// and more of them: rebuilding after every cap/4 deletions keeps lookups
// fast at an amortized constant cost.
func (t *Table[K, V]) rebuild() {
	m := make(map[K]*Entry[K, V], len(t.m))
	for e := t.head; e != nil; e = e.next {
		m[e.Key] = e
	}
	t.m, t.deleted = m, 0
}

// All calls yield for every session, most recently used first, until it
// returns false. yield must not add or delete sessions.
func (t *Table[K, V]) All(yield func(*Entry[K, V]) bool) {
	for e := t.head; e != nil; e = e.next {
		if !yield(e) {
			return
		}
	}
}

func (t *Table[K, V]) unlink(e *Entry[K, V]) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		t.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		t.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (t *Table[K, V]) pushFront(e *Entry[K, V]) {
	e.next = t.head
	if t.head != nil {
		t.head.prev = e
	}
	t.head = e
	if t.tail == nil {
		t.tail = e
	}
}
