package store

import "runtime"

// Leader commit. A durable update's goroutine commits the queued writes
// itself, its own among them, when no one else is committing (the leader
// of that batch), instead of handing them to the writer goroutine and
// waiting for it to be scheduled: on two CPUs shared with the requests,
// that writer spent most of an open loop runnable but not running, and
// every request of its batch waited with it (p99 of authrep with --db 10
// to 38 ms at half of its peak rate). Whoever commits holds writeMu; the
// writer goroutine takes what no leader did (writes nobody waits for,
// writes queued while a commit ran) and folds the log when idle.

// leaderBatches bounds how many batches a leader commits before it goes
// back to its own request, leaving the rest to the writer goroutine.
const leaderBatches = 2

// submitAndLead queues o, then commits it and whatever else is queued
// if no one is committing. It reports ErrClosed after Close.
func (s *Store) submitAndLead(o *op) error {
	s.opsMu.RLock()
	if s.closed {
		s.opsMu.RUnlock()
		return ErrClosed
	}
	s.ops <- o
	s.opsMu.RUnlock()
	s.lead()
	return nil
}

// lead commits the queued ops if no one else is committing; otherwise, or
// if ops are left when it stops, it wakes the writer goroutine (the one
// committing may have looked at the queue before o was queued).
func (s *Store) lead() {
	if !s.writeMu.TryLock() {
		s.wakeWriter()
		return
	}
	// As the writer goroutine does: the requests already runnable queue
	// their writes into this commit (without it, under a closed loop each
	// commit carried one request, at half the throughput).
	runtime.Gosched()
	for range leaderBatches {
		if empty, closed := s.drainOnce(); empty || closed {
			break
		}
	}
	left := len(s.ops) > 0
	s.writeMu.Unlock()
	if left {
		s.wakeWriter()
	}
}

// wakeWriter tells the writer goroutine that ops may be queued.
func (s *Store) wakeWriter() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// drainOnce commits one batch of the queued ops, up to maxBatch of them,
// with writeMu held. It reports whether the queue was empty and whether
// it is closed (and empty).
func (s *Store) drainOnce() (empty, closed bool) {
	batch := s.batch[:0]
	defer func() { s.batch = batch[:0] }()
take:
	// An op on the connection only ends a batch.
	for len(batch) < maxBatch && (len(batch) == 0 || batch[len(batch)-1].conn == nil) {
		select {
		case o, ok := <-s.ops:
			if !ok {
				closed = true
				break take
			}
			batch = append(batch, o)
		default:
			break take
		}
	}
	if len(batch) == 0 {
		return true, closed
	}
	s.batches.Add(1)
	s.commitAll(batch)
	for len(s.deferred) > 0 {
		o := s.deferred[0]
		s.deferred = s.deferred[1:]
		s.commitAll([]*op{o})
	}
	s.prepare()
	if s.logged >= foldAt {
		s.foldChunk()
	}
	if s.ckpt != nil {
		s.ckpt.committed(s.db)
	}
	return false, closed
}
