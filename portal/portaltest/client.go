package portaltest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is a browser without a browser: a cookie jar on one portal,
// which follows redirects and sends forms with the authenticity_token of
// the last page it read.
type Client struct {
	t    testing.TB
	base string
	http *http.Client
	// loginPath and sessionPath are the portal's login form and its
	// action.
	loginPath, sessionPath string
	// Last is the last page read.
	Last *Response
}

// Response is one answer, after any redirects.
type Response struct {
	Status int
	// URL is where the answer came from (the last redirect's target);
	// Redirects are the Locations followed to it.
	URL       *url.URL
	Redirects []string
	Header    http.Header
	Body      string
}

// AdminClient is a client of the admin portal.
func (s *Sandbox) AdminClient(t testing.TB) *Client {
	c := s.Client(t, s.Admin)
	c.loginPath, c.sessionPath = "/p/login", "/p/sessions"
	return c
}

// DeveloperClient is a client of the developer portal.
func (s *Sandbox) DeveloperClient(t testing.TB) *Client {
	c := s.Client(t, s.Developer)
	c.loginPath, c.sessionPath = "/login", "/session"
	return c
}

// Client returns a client of the listener at base.
func (s *Sandbox) Client(t testing.TB, base string) *Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{t: t, base: base}
	c.http = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return c
}

// NoRedirects makes the client stop at the first answer, so that a test
// sees a redirect's status and Location.
func (c *Client) NoRedirects() *Client {
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// Get reads a path of the portal.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil)
}

// Post sends a form as a browser does, with the last page's
// authenticity_token unless form gives one (an empty one sends none).
func (c *Client) Post(path string, form url.Values) *Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, given := form["authenticity_token"]; !given && c.Last != nil {
		form.Set("authenticity_token", c.Last.CSRF())
	}
	if tok, ok := form["authenticity_token"]; ok && len(tok) == 1 && tok[0] == "" {
		form.Del("authenticity_token")
	}
	return c.Do(http.MethodPost, path, form)
}

// Do sends a request; a form goes as the urlencoded body.
func (c *Client) Do(method, path string, form url.Values) *Response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var redirects []string
	check := c.http.CheckRedirect
	c.http.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		err := check(r, via)
		if err == nil {
			redirects = append(redirects, r.URL.RequestURI())
		}
		return err
	}
	defer func() { c.http.CheckRedirect = check }()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &Response{Status: resp.StatusCode, URL: resp.Request.URL, Redirects: redirects, Header: resp.Header,
		Body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		c.Last = r
	}
	return r
}

// Login signs in through the portal's login form (a client of
// AdminClient or DeveloperClient).
func (c *Client) Login(username, password string) *Response {
	c.t.Helper()
	if c.loginPath == "" {
		c.t.Fatal("Login: not a portal's client")
	}
	c.Get(c.loginPath)
	return c.Post(c.sessionPath, url.Values{"username": {username}, "password": {password}})
}

// Cookie returns the value of a cookie the client holds for the portal.
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

var (
	tokenRE = regexp.MustCompile(`name="authenticity_token" value="([^"]*)"`)
	metaRE  = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)
	flashRE = regexp.MustCompile(`(?s)<div class="flash flash-(\w+)"[^>]*>(.*?)</div>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// CSRF is the page's first authenticity_token: a form's, else the
// csrf-token meta tag's (Rails' csrf_meta_tags, which porta's developer
// portal layout writes on every page).
func (r *Response) CSRF() string {
	for _, re := range []*regexp.Regexp{tokenRE, metaRE} {
		if m := re.FindStringSubmatch(r.Body); m != nil {
			return html.UnescapeString(m[1])
		}
	}
	return ""
}

// Flash returns the page's flash messages as "kind: text".
func (r *Response) Flash() []string {
	var out []string
	for _, m := range flashRE.FindAllStringSubmatch(r.Body, -1) {
		out = append(out, m[1]+": "+html.UnescapeString(m[2]))
	}
	return out
}

// Text is the page's main content as text: tags removed, white space
// folded.
func (r *Response) Text() string {
	body := r.Body
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
		if j := strings.Index(body, "</main>"); j >= 0 {
			body = body[:j]
		}
	}
	return strings.TrimSpace(spaceRE.ReplaceAllString(html.UnescapeString(tagRE.ReplaceAllString(body, " ")), " "))
}
