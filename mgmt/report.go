package mgmt

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/timestamp"
)

// Report answers POST /transactions.xml. Unlike the hosted backend, which
// queues the batch for a worker, the sandbox processes it before answering,
// so the usage is visible to the very next call. A batch with any invalid
// transaction is refused whole and logged against the service, as the real
// worker does; the caller still gets its 202.
func (b *Backend) Report(ctx context.Context, r *Request) *Response {
	d := r.Decision
	if d != nil {
		d.Endpoint = "report"
	}
	p, perr := params(r)
	if perr != nil {
		return d.refused(perr, errorResponse(perr, false))
	}
	if mt := mediaType(r.ContentType); mt != "" && mt != formURLEncoded && mt != formMultipart {
		return d.refused(errContentTypeInvalid(mt), errorResponse(errContentTypeInvalid(mt), false))
	}
	ext, xerr := parseExtensions(r, nil)
	if xerr != nil {
		return d.refused(xerr, errorResponse(xerr, false))
	}
	resp, err := b.report(ctx, p, ext, d)
	if err != nil {
		return d.refused(err, errorResponse(err, ext.noBody))
	}
	return resp
}

func (b *Backend) report(ctx context.Context, p *rackquery.Hash, ext extensions, d *Decision) (*Response, *Error) {
	cat := b.store.Catalog()
	// The report endpoint does not normalize its parameters: an empty
	// provider_key= hides a valid service token (the .NET client sends one).
	sid, hasSID := str(p, "service_id")
	pk, hasPK := str(p, "provider_key")
	if !hasPK {
		pk, _ = tokenProvider(cat, p, sid, hasSID)
	}
	if pk == "" {
		return nil, providerKeyError(p, sid, hasSID)
	}
	if d != nil {
		d.Credentials = "provider_key"
		if !hasPK {
			d.Credentials = "service_token"
		}
	}
	if !rackquery.ValidUTF8(p) {
		return nil, errNotValidData()
	}

	tv, _ := p.Get("transactions")
	var txs *rackquery.Hash
	switch v := tv.(type) {
	case nil, rackquery.Nil:
		return nil, errTransactionsIsBlank()
	case rackquery.String:
		if v == "" {
			return nil, errTransactionsIsBlank()
		}
		return nil, errTransactionsFormatInvalid()
	case rackquery.Array:
		if len(v) == 0 {
			return nil, errTransactionsIsBlank()
		}
		return nil, errTransactionsFormatInvalid()
	case *rackquery.Hash:
		txs = v
	}
	for _, v := range txs.All() {
		if isNil(v) {
			return nil, errTransactionsHasNil()
		}
	}
	for _, v := range txs.All() {
		if h, ok := v.(*rackquery.Hash); ok && present(h, "user_id") {
			return nil, errEndUsers()
		}
	}
	// apisonator answers 500 to transactions that are not hashes or whose
	// usage is not a hash; the sandbox says what is wrong instead.
	for _, v := range txs.All() {
		h, ok := v.(*rackquery.Hash)
		if !ok {
			return nil, errBadRequest(defaultBadRequest)
		}
		if u, ok := h.Get("usage"); ok {
			switch u.(type) {
			case *rackquery.Hash, rackquery.Nil:
			default:
				return nil, errBadRequest(defaultBadRequest)
			}
		}
	}

	svc, err := loadService(cat, sid, pk)
	if err != nil {
		return nil, err
	}
	if d != nil {
		d.setProvider(svc.Provider)
		d.setService(svc)
	}

	// Usages of exactly "0" change nothing and are dropped; transactions
	// left with an empty usage are dropped too.
	var batch []*rackquery.Hash
	for _, v := range txs.All() {
		h := v.(*rackquery.Hash)
		if u, ok := mustGet(h, "usage").(*rackquery.Hash); ok {
			if kept := withoutZeros(u); kept != u {
				h.Set("usage", kept)
				u = kept
			}
			if u.Len() == 0 {
				continue
			}
		}
		batch = append(batch, h)
	}
	stored := false
	if d != nil {
		defer func() { d.setStored(stored) }()
	}
	if len(batch) == 0 {
		stored = true
		return &Response{Status: 202}, nil
	}
	jerr, serr := b.processBatch(ctx, cat, svc, batch, ext.flatUsage, d)
	if serr != nil {
		// Not stored: the caller must not take the 202 for an answer.
		b.log.Error("report not stored", "service_id", svc.ID, "err", serr)
		return internalError(), nil
	}
	stored = jerr == nil
	if jerr != nil {
		d.refused(jerr, nil)
		b.store.RecordError(svc.ID, store.ErrorRecord{
			Code: jerr.Code, Message: jerr.Message, Time: b.clock.Now(), Context: json.RawMessage("{}"),
		})
	}
	return &Response{Status: 202}, nil
}

// sameStrings reports whether a and b hold the same keys, in the same
// order, each with the same string value.
func sameStrings(a, b *rackquery.Hash) bool {
	if a.Len() != b.Len() {
		return false
	}
	bk := b.Keys()
	for i, k := range a.Keys() {
		if bk[i] != k {
			return false
		}
		av, aok := mustGet(a, k).(rackquery.String)
		bv, bok := mustGet(b, k).(rackquery.String)
		if !aok || !bok || av != bv {
			return false
		}
	}
	return true
}

// withoutZeros is u without its usages of exactly "0": u itself when it
// has none, as most have.
func withoutZeros(u *rackquery.Hash) *rackquery.Hash {
	isZero := func(m string) bool { s, ok := mustGet(u, m).(rackquery.String); return ok && s == "0" }
	if !slices.ContainsFunc(u.Keys(), isZero) {
		return u
	}
	kept := rackquery.NewHash()
	for _, m := range u.Keys() {
		if !isZero(m) {
			kept.Set(m, mustGet(u, m))
		}
	}
	return kept
}

// reportTx is one transaction of a batch, resolved.
type reportTx struct {
	app   *store.Application
	usage usage
	at    time.Time
}

// processBatch is ReportJob + ProcessJob: resolve every application (in
// order), then parse the usage group by group, then check the timestamps;
// the first error aborts the whole batch, which is then not aggregated. A
// batch that could not be stored is the second result.
func (b *Backend) processBatch(ctx context.Context, cat *store.Catalog, svc *store.Service, batch []*rackquery.Hash,
	flat bool, d *Decision) (*Error, error) {
	now := b.clock.Now()
	apps := make([]*store.Application, len(batch))
	var order []*store.Application // groups, by first appearance
	groups := map[*store.Application][]int{}
	for i, h := range batch {
		app, err := reportApp(svc, h)
		if err != nil {
			return err, nil
		}
		apps[i] = app
		if _, seen := groups[app]; !seen {
			order = append(order, app)
		}
		groups[app] = append(groups[app], i)
	}
	var txs []reportTx
	// Most batches repeat one usage: it is processed once.
	var lastRaw *rackquery.Hash
	var lastUsage usage
	for _, app := range order {
		for _, i := range groups[app] {
			raw, _ := mustGet(batch[i], "usage").(*rackquery.Hash)
			if raw == nil || raw.Len() == 0 {
				continue
			}
			u := lastUsage
			if lastRaw == nil || !sameStrings(raw, lastRaw) {
				var err *Error
				if u, err = processUsage(svc, raw, flat); err != nil {
					return err, nil
				}
				lastRaw, lastUsage = raw, u
			}
			// parse_to_utc reads the value's to_s: a hash or an array
			// (timestamp[]=…) is read as Ruby writes it.
			at := now
			if v, ok := batch[i].Get("timestamp"); ok {
				ts, _ := rubyValue(v)
				if t, ok := timestamp.Parse(ts); ok {
					at = t
				}
			}
			txs = append(txs, reportTx{app: app, usage: u, at: at})
		}
	}
	for _, t := range txs {
		diff := t.at.Unix() - now.Unix()
		if diff < -86400 {
			return errTimestampTooOld(), nil
		}
		if diff > 3600 {
			return errTimestampTooNew(), nil
		}
	}
	if d != nil {
		trail(d, cat, txs)
	}
	incs, summed := sumIncrements(txs)
	err := b.store.UpdateUsage(ctx, func(w *store.CounterWriter) error {
		if summed {
			for _, in := range incs {
				for _, p := range period.All {
					w.Add(store.KeyAt(in.app, in.metric, p, in.starts[p]), in.n)
				}
			}
			return nil
		}
		for _, t := range txs {
			aggregate(w, t.app, t.usage, t.at)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, t := range txs {
		if i == 0 || txs[i-1].app != t.app {
			b.store.NoteTraffic(t.app, now)
		}
	}
	return nil, nil
}

// increment is what a batch adds to one application's metric in the
// periods that start at starts.
type increment struct {
	app    *store.Application
	metric *store.Metric
	starts *[len(period.All)]int64
	n      int64
}

// sumIncrements adds up a batch's usage per application, metric and
// period instances, in the order each is first seen, so that a batch of
// a thousand transactions of one application touches each counter once.
// Increments commute, sets do not: a batch with a set is not summed
// (false), and is applied transaction by transaction.
func sumIncrements(txs []reportTx) ([]increment, bool) {
	type key struct {
		app    *store.Application
		metric *store.Metric
		at     int // index in instants
	}
	var (
		incs     []increment
		index    = make(map[key]int)
		instants []*[len(period.All)]int64 // the distinct period starts, of...
		times    []int64                   // ...these Unix times
	)
	for _, t := range txs {
		at := slices.Index(times, t.at.Unix())
		if at < 0 {
			if len(times) == 64 { // timestamps all over the day: not worth it
				return nil, false
			}
			starts := periodStarts(t.at)
			at = len(times)
			times, instants = append(times, t.at.Unix()), append(instants, &starts)
		}
		for _, mu := range t.usage {
			if mu.value.isSet() {
				return nil, false
			}
			n := getFrom(&mu.value, count{}).saturated()
			k := key{t.app, mu.metric, at}
			if i, ok := index[k]; ok {
				incs[i].n = addSat(incs[i].n, n)
				continue
			}
			index[k] = len(incs)
			incs = append(incs, increment{app: t.app, metric: mu.metric, starts: instants[at], n: n})
		}
	}
	return incs, true
}

// reportApp is Application.extract_id!: app_id (any service mode) or
// user_key, never both.
func reportApp(svc *store.Service, h *rackquery.Hash) (*store.Application, *Error) {
	appID, hasApp := h.Get("app_id")
	userKey, hasKey := h.Get("user_key")
	hasApp = hasApp && !isNil(appID)
	hasKey = hasKey && !isNil(userKey)
	switch {
	case hasApp:
		if hasKey {
			return nil, errAuthentication()
		}
		id, _ := rubyValue(appID)
		if app := svc.Application(id); app != nil && isString(appID) {
			return app, nil
		}
		return nil, errApplicationNotFound(id)
	case hasKey:
		key, _ := rubyValue(userKey)
		if app := svc.ApplicationByUserKey(key); app != nil && isString(userKey) {
			return app, nil
		}
		return nil, errUserKeyInvalid(key)
	default:
		return nil, errApplicationNotFound("")
	}
}

func isNil(v rackquery.Value) bool { _, ok := v.(rackquery.Nil); return ok || v == nil }

func mustGet(h *rackquery.Hash, k string) rackquery.Value { v, _ := h.Get(k); return v }

// trail lists a report's first MaxTrailTransactions transactions in its
// decision, and names the applications of the others. A batch is mostly
// one application at one time: each is looked up and formatted once per
// run of equal ones.
func trail(d *Decision, cat *store.Catalog, txs []reportTx) {
	var app DecidedApp
	var stamp string
	listed := txs[:min(len(txs), MaxTrailTransactions)]
	d.Transactions = make([]DecidedTransaction, 0, len(listed))
	for i, t := range listed {
		if i == 0 || t.app != txs[i-1].app {
			app = decidedApp(t.app, cat.Plan(t.app.PlanID))
		}
		if i == 0 || !t.at.Equal(txs[i-1].at) {
			stamp = stampDecision(t.at)
		}
		d.Transactions = append(d.Transactions, DecidedTransaction{Application: app, Timestamp: stamp, Usage: applied(t.usage)})
	}
	d.TransactionsOmitted = len(txs) - len(listed)
	if d.TransactionsOmitted == 0 {
		return
	}
	seen := map[int64]bool{}
	for _, t := range listed {
		seen[t.app.ID] = true
	}
	for i, t := range txs[len(listed):] {
		if (i > 0 && t.app == txs[len(listed)+i-1].app) || seen[t.app.ID] {
			continue
		}
		seen[t.app.ID] = true
		d.omittedApps = append(d.omittedApps, decidedApp(t.app, nil))
	}
}
