package portaltest

import (
	"fmt"

	"github.com/chromedp/chromedp"
)

// The controls of a form that load no page: a select's option, a
// checkbox, a <details> disclosure.

// Choose selects the option of value in the select the CSS selector
// finds, as a person picking it from the list.
func (b *Tab) Choose(css, value string) {
	b.t.Helper()
	step(b, "choose "+value+" in "+css, chromedp.SetValue(chromedp.CSS(css), value, chromedp.NodeVisible))
}

// Tick clicks what the CSS selector finds when the click loads no page:
// a checkbox, a radio button, a disclosure's summary.
func (b *Tab) Tick(css string) {
	b.t.Helper()
	step(b, "click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// Count is how many elements the CSS selector finds now (it waits for
// none).
func (b *Tab) Count(css string) int {
	b.t.Helper()
	return step(b, "count "+css, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, css)))
}

// Checked reports whether the checkbox or radio button the CSS selector
// finds is checked.
func (b *Tab) Checked(css string) bool {
	b.t.Helper()
	return step(b, "read "+css, chromedp.Evaluate[bool](fmt.Sprintf(`!!document.querySelector(%q)?.checked`, css)))
}
