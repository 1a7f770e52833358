package portaltest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The browser: one headless Chromium per test binary (started by the
// first test that asks for a Tab, stopped by Main), and a new browser
// context per test, which shares no cookie, cache or storage with the
// others: an incognito window.

// ChromiumEnv names the browser to use instead of the chromium on PATH.
const ChromiumEnv = "THREESCALE_SANDBOX_CHROMIUM"

// RequireEnv, when "1", makes a missing browser fail the tests instead of
// skipping them (.ci/run sets it: CI installs chromium).
const RequireEnv = "THREESCALE_SANDBOX_REQUIRE_BROWSER"

// ScreenshotsEnv names a folder: Tab.Screenshot writes its PNGs there
// (make screenshots sets it to docs/screenshots); unset, it writes none.
const ScreenshotsEnv = "THREESCALE_SANDBOX_SCREENSHOTS"

// stepTimeout bounds one browser step (a page load, a click).
const stepTimeout = 20 * time.Second

var browser struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab; new tabs derive from it
	cancel  func()
	dataDir string
	err     error
}

// chromiumPath finds the browser: $THREESCALE_SANDBOX_CHROMIUM, else
// chromium (Debian's), chromium-browser or google-chrome on PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv(ChromiumEnv); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH (Debian: apt-get install chromium; or set " + ChromiumEnv + ")")
}

func startBrowser() {
	path, err := chromiumPath()
	if err != nil {
		browser.err = err
		return
	}
	if browser.dataDir, err = os.MkdirTemp("", "threescale-sandbox-chromium-"); err != nil {
		browser.err = err
		return
	}
	// Headless, and quiet: no sandbox (root in containers), no GPU, no
	// QUIC, no first-run, component, sync or background traffic that would
	// try the network.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(browser.dataDir),
		chromedp.WindowSize(1280, 860),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("font-render-hinting", "none"),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	browser.ctx = ctx
	browser.cancel = func() {
		cancelCtx()
		cancelAlloc()
	}
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		browser.cancel()
		browser.err = fmt.Errorf("start %s: %w", path, err)
	}
}

// Main runs a test binary's tests, then stops its browser: call it from
// TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.dataDir != "" {
		os.RemoveAll(browser.dataDir)
	}
	os.Exit(code)
}

// Tab is a browser tab in a browser context of its own.
type Tab struct {
	t   testing.TB
	s   *Sandbox
	ctx context.Context
}

// Tab opens a tab in a new browser context for the test, closed with it.
// Without a browser the test is skipped (or fails, with RequireEnv).
func (s *Sandbox) Tab(t testing.TB) *Tab {
	t.Helper()
	browser.once.Do(startBrowser)
	if browser.err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("browser tests need chromium: %v", browser.err)
		}
		t.Skipf("browser test skipped: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &Tab{t: t, s: s, ctx: ctx}
}

// step runs an action within stepTimeout.
func step[T any](b *Tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.location(), err)
	}
	return v
}

// Open loads a URL and returns the HTTP status of the page.
func (b *Tab) Open(url string) int {
	b.t.Helper()
	resp := step(b, "open "+url, chromedp.NavigateResponse(url))
	return int(resp.Status)
}

// Click clicks the element the CSS selector finds (a link, a button),
// waits for the page it loads and returns its HTTP status.
func (b *Tab) Click(css string) int {
	b.t.Helper()
	resp := step(b, "click "+css, func(ctx context.Context, t *chromedp.Target) (*network.Response, error) {
		return chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
	})
	return int(resp.Status)
}

// ClickLink clicks the link whose text is text.
func (b *Tab) ClickLink(text string) int {
	b.t.Helper()
	xpath := fmt.Sprintf(`//a[normalize-space(.)=%q]`, text)
	resp := step(b, "click the link "+text, func(ctx context.Context, t *chromedp.Target) (*network.Response, error) {
		return chromedp.RunResponse(ctx, chromedp.Click(chromedp.Search(xpath), chromedp.NodeVisible))
	})
	return int(resp.Status)
}

// Type types text into the field the CSS selector finds, after what it
// holds.
func (b *Tab) Type(css, text string) {
	b.t.Helper()
	step(b, "type into "+css, chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible))
}

// Fill replaces a field's value with text, as a person selecting it all
// and typing.
func (b *Tab) Fill(css, text string) {
	b.t.Helper()
	step(b, "clear "+css, chromedp.Clear(chromedp.CSS(css), chromedp.NodeVisible))
	b.Type(css, text)
}

// Submit clicks the form's submit button (the first in the CSS
// selector's form), waits for the answer and returns its status.
func (b *Tab) Submit(formCSS string) int {
	b.t.Helper()
	return b.Click(formCSS + ` button[type=submit]`)
}

// Text is the visible text of the element the CSS selector finds.
func (b *Tab) Text(css string) string {
	b.t.Helper()
	return strings.TrimSpace(step(b, "read "+css, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible)))
}

// PageText is the visible text of the page's main content.
func (b *Tab) PageText() string {
	b.t.Helper()
	return b.Text("main")
}

// Flash returns the page's flash messages as "kind: text" (none: nil).
func (b *Tab) Flash() []string {
	b.t.Helper()
	type flash struct{ Kind, Text string }
	got := step(b, "read the flash", chromedp.Evaluate[[]flash](`[...document.querySelectorAll(".flash")].map(e => ({Kind: e.className.replace("flash flash-", ""), Text: e.innerText.trim()}))`))
	var out []string
	for _, f := range got {
		out = append(out, f.Kind+": "+f.Text)
	}
	return out
}

// Location is the tab's URL.
func (b *Tab) Location() string {
	b.t.Helper()
	return step(b, "read the location", chromedp.Location())
}

func (b *Tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// Screenshot writes the whole page as DIR/NAME.png when ScreenshotsEnv
// names DIR; otherwise it takes none.
func (b *Tab) Screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		return
	}
	png := step(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// LoginAdmin signs in with the admin portal's login form and returns
// the status of the page it leads to.
func (b *Tab) LoginAdmin(username, password string) int {
	b.t.Helper()
	b.Open(b.s.Admin + "/p/login")
	return b.login(username, password)
}

// LoginDeveloper signs in with the developer portal's login form.
func (b *Tab) LoginDeveloper(username, password string) int {
	b.t.Helper()
	b.Open(b.s.Developer + "/login")
	return b.login(username, password)
}

func (b *Tab) login(username, password string) int {
	b.t.Helper()
	b.Fill("#username", username)
	b.Fill("#password", password)
	return b.Submit("main form")
}
