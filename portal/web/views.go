package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
)

// The views: html/template files embedded in the binary. Every page is
// parsed once, at start, with the shared partials (templates/ here) and
// its portal's layout.html; rendering executes the layout, which calls
// the page's "title" and "content". html/template escapes everything it
// writes, by context.

//go:embed templates/*.html
var sharedTemplates embed.FS

// sharedPages are pages every portal has (the error page), in its layout.
//
//go:embed pages/*.html
var sharedPages embed.FS

//go:embed static/portal.css
var stylesheet []byte

// View is what a page's template sees as its dot.
type View struct {
	// Portal is "admin" or "developer".
	Portal string
	// Path is the request's path, for the navigation to mark where it is.
	Path string
	// CSRF is this render's masked authenticity_token ("csrf" partial).
	CSRF string
	// Flash are the messages of the previous action, and of this one.
	Flash []Flash
	// Signed is who is signed in; nil on a page for visitors.
	Signed *porta.Signed
	// Nav is what the portal's layout shows beside every page (the unread
	// count…), from Config.Nav.
	Nav any
	// Form is the request's form, with its validation errors.
	Form *Form
	// Data is the page's own.
	Data any
}

// views holds every page of a portal: the shared partials and the
// layout parsed at start, each page parsed with them at its first render.
// Parsing every page at start kept a clone of the shared set per page, two
// thirds of an idle sandbox's heap, for pages most runs never show;
// TestViewsParse (in each portal) parses them all.
type views struct {
	base  *template.Template // never executed: pages are clones of it
	files map[string]pageFile

	mu    sync.Mutex
	pages map[string]*template.Template
}

// pageFile is where a page's template is.
type pageFile struct {
	fsys fs.FS
	name string
}

// funcs are the template functions every view may call.
var funcs = template.FuncMap{
	"field":      fieldView,
	"checkbox":   checkboxView,
	"button":     buttonView,
	"time":       formatTime,
	"date":       formatDate,
	"timef":      formatTimeAs,
	"capitalize": capitalize,
	"plural":     plural,
	"hasPrefix":  strings.HasPrefix,
	"stylesheet": func() string { return stylesheetPath },
}

// parseViews parses the shared partials and face's layout.html and
// partials, and lists face's pages (*.html).
func parseViews(face fs.FS) (*views, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(sharedTemplates, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse shared templates: %w", err)
	}
	if _, err := base.ParseFS(face, "layout.html"); err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	// A face's partials, as Rails names them (_tabs.html), are shared by
	// its pages.
	partials, err := fs.Glob(face, "_*.html")
	if err != nil {
		return nil, err
	}
	if len(partials) > 0 {
		if _, err := base.ParseFS(face, partials...); err != nil {
			return nil, fmt.Errorf("parse partials: %w", err)
		}
	}
	names, err := fs.Glob(face, "*.html")
	if err != nil {
		return nil, err
	}
	v := &views{base: base, files: map[string]pageFile{}, pages: map[string]*template.Template{}}
	v.files["error"] = pageFile{sharedPages, "pages/error.html"}
	for _, file := range names {
		if file == "layout.html" || strings.HasPrefix(file, "_") {
			continue
		}
		v.files[strings.TrimSuffix(path.Base(file), ".html")] = pageFile{face, file}
	}
	return v, nil
}

// page returns page's template, parsing it at its first use.
func (v *views) page(page string) (*template.Template, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.pages[page]; ok {
		return t, nil
	}
	f, ok := v.files[page]
	if !ok {
		return nil, fmt.Errorf("no view %q", page)
	}
	base, err := v.base.Clone()
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", f.name, err)
	}
	t, err := base.ParseFS(f.fsys, f.name)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", f.name, err)
	}
	v.pages[page] = t
	return t, nil
}

// parseAll parses every page, as their first renders would.
func (v *views) parseAll() error {
	for page := range v.files {
		if _, err := v.page(page); err != nil {
			return err
		}
	}
	return nil
}

// CheckViews parses every page of face with the shared partials: the
// errors a page's first render would meet.
func CheckViews(face fs.FS) error {
	v, err := parseViews(face)
	if err != nil {
		return err
	}
	return v.parseAll()
}

// render writes page with data into a buffer: a template that fails
// leaves nothing half-written.
func (v *views) render(page string, data *View) ([]byte, error) {
	t, err := v.page(page)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// FieldView is a labelled input with its value and errors, for the
// "field" partial.
type FieldView struct {
	ID, Name, Label, Type, Value string
	Errors                       []string
	Required, Autofocus          bool
	Autocomplete, Hint           string
}

// fieldView is the template function field FORM NAME LABEL [TYPE]
// [OPTIONS...]: TYPE is text (default), email, password, textarea…;
// OPTIONS are "required", "autofocus", "autocomplete=…", "hint=…". A
// password field never shows the value sent.
func fieldView(f *Form, name, label string, opts ...string) FieldView {
	fv := FieldView{ID: fieldID(name), Name: name, Label: label, Type: "text"}
	if f != nil {
		fv.Value, fv.Errors = f.Get(name), f.ErrorsOn(name)
	}
	for i, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch {
		case i == 0 && !strings.Contains(o, "=") && o != "required" && o != "autofocus":
			fv.Type = o
		case k == "required":
			fv.Required = true
		case k == "autofocus":
			fv.Autofocus = true
		case k == "autocomplete":
			fv.Autocomplete = v
		case k == "hint":
			fv.Hint = v
		case k == "value":
			if f == nil || !f.Has(name) {
				fv.Value = v
			}
		}
	}
	if fv.Type == "password" {
		fv.Value = ""
	}
	return fv
}

// CheckboxView is a Rails checkbox (a hidden 0, then the box's 1).
type CheckboxView struct {
	ID, Name, Label, Hint string
	Checked               bool
	Errors                []string
}

// checkboxView is the template function checkbox FORM NAME LABEL CHECKED:
// the form's value wins over CHECKED once it was sent.
func checkboxView(f *Form, name, label string, checked bool, hint ...string) CheckboxView {
	cv := CheckboxView{ID: fieldID(name), Name: name, Label: label, Checked: checked}
	if f != nil && f.Has(name) {
		cv.Checked, cv.Errors = f.Checked(name), f.ErrorsOn(name)
	}
	if len(hint) > 0 {
		cv.Hint = hint[0]
	}
	return cv
}

// ButtonView is a form of one button, porta's action links (Approve,
// Suspend, Delete…) as a plain form.
type ButtonView struct {
	Action, Method, Label, CSRF, Class string
}

// buttonView is the template function button VIEW PATH METHOD LABEL
// [CLASS]: METHOD post, put, patch or delete (the last three sent as
// _method, as Rails does).
func buttonView(v *View, action, method, label string, class ...string) ButtonView {
	b := ButtonView{Action: action, Method: strings.ToLower(method), Label: label, CSRF: v.CSRF}
	if len(class) > 0 {
		b.Class = class[0]
	}
	return b
}

// fieldID is the element id Rails gives a field: account[user][email] is
// account_user_email.
func fieldID(name string) string {
	r := strings.NewReplacer("][", "_", "[", "_", "]", "")
	return r.Replace(name)
}

// formatTime writes a time as porta's pages do, in UTC: 22 Nov 2026 10:15
// UTC.
func formatTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.UTC().Format("2 Jan 2006 15:04 UTC")
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.UTC().Format("2 Jan 2006 15:04 UTC")
	}
	return ""
}

// formatDate writes a date: 22 Nov 2026.
func formatDate(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.UTC().Format("2 Jan 2006")
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.UTC().Format("2 Jan 2006")
	}
	return ""
}

// formatTimeAs writes a time (time.Time or *time.Time; nil is "") in
// UTC with a Go layout, for porta's formats: "January 2, 2006 15:04" is
// Rails' to_fs(:long).
func formatTimeAs(t any, layout string) string {
	switch v := t.(type) {
	case time.Time:
		return v.UTC().Format(layout)
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.UTC().Format(layout)
	}
	return ""
}

// capitalize is Ruby's String#capitalize: "pending" is "Pending".
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(strings.ToLower(s))
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// plural is Rails' pluralize: "1 Application", "2 Applications".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
