package admin

import (
	"io/fs"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// Pages are parsed at their first render; this parses every one, so a
// broken template fails here and not in front of a user.
func TestViewsParse(t *testing.T) {
	views, err := fs.Sub(templates, "templates")
	if err != nil {
		t.Fatal(err)
	}
	if err := web.CheckViews(views); err != nil {
		t.Fatal(err)
	}
}
