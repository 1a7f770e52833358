package web

import "io"

// Plain answers with a line of plain text, as porta's render plain: does
// ("Signup disabled", 403). The flash messages waiting stay for the next
// page.
func (p *Page) Plain(status int, text string) error {
	p.writeHeaders()
	p.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	p.w.WriteHeader(status)
	_, err := io.WriteString(p.w, text)
	return err
}
