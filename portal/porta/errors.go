package porta

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is an object the actor cannot see: unknown, or another
// provider's or account's.
var ErrNotFound = errors.New("not found")

// ErrForbidden is an operation the actor may not run.
var ErrForbidden = errors.New("not allowed")

// ErrCannotSubscribe is porta's refusal to create an application on a
// service that offers its account no service plan to subscribe with.
var ErrCannotSubscribe = errors.New("You cannot subscribe to that service.")

// Problem is one failed validation, as porta's record.errors holds it.
type Problem struct {
	// Field is the attribute ("base" for the record as a whole).
	Field string
	// Message is the short message, as errors[field] and porta's JSON hold
	// it: "can't be blank".
	Message string
	// Full is the message as full_messages writes it: "Name can't be
	// blank".
	Full string
}

// ValidationError is a record porta refuses to save: every problem, in
// porta's order.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	full := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		full[i] = p.Full
	}
	return strings.Join(full, "; ")
}

// On returns the short messages of field, for a form to show beside it.
func (e *ValidationError) On(field string) []string {
	var out []string
	for _, p := range e.Problems {
		if p.Field == field {
			out = append(out, p.Message)
		}
	}
	return out
}

// problems collects validation failures in order.
type problems []Problem

func (ps *problems) add(field, short, full string) { *ps = append(*ps, Problem{field, short, full}) }

// err returns the failures as a *ValidationError, nil when there are none.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// fail is a single validation failure.
func fail(field, short, full string) error {
	var ps problems
	ps.add(field, short, full)
	return ps.err()
}

// cannotTransition is state_machines' error for an event that does not
// apply, as the non-bang events report it.
func cannotTransition(event string) error {
	return fail("state", fmt.Sprintf("cannot transition via %q", event),
		fmt.Sprintf("State cannot transition via %q", event))
}

// TransitionError is a state machine's bang event that does not apply:
// porta answers it with the state, the event, why, and the object.
type TransitionError struct {
	From, Event string
	// Object is the object as it stood: a *store.User, or a
	// *store.Message that was not delivered.
	Object any
	// Reason is the validation message that stopped the event; "" when the
	// state alone does not allow it.
	Reason string
}

// Message is porta's text of the refusal.
func (e *TransitionError) Message() string {
	if e.Reason != "" {
		return e.Reason
	}
	return fmt.Sprintf("State cannot transition via %q", e.Event)
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s from %s: %s", e.Event, e.From, e.Message())
}
