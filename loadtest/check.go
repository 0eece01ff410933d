package loadtest

import (
	"context"
	"fmt"
	"io"
	"strings"

	"ding"
	"ding/store"
)

// CheckResult is what the database says about a run's writes.
type CheckResult struct {
	Writes     int `json:"writes"`
	Accepted   int `json:"accepted"`    // answered 2xx/3xx: each must be stored exactly once
	Refused    int `json:"refused"`     // answered 4xx: none may be stored, each must say why
	Invalid    int `json:"invalid"`     // sent invalid on purpose: each must be refused
	NoResponse int `json:"no_response"` // no answer: stored at most once
	// The problems: accepted but not stored (Lost), stored more than once (Duplicated),
	// stored although refused (StoredRefused), refused without a message (Unclear), invalid
	// but accepted (InvalidAccepted), stored with other photos than sent (PhotosWrong), and
	// records whose versions no longer add up (Inconsistent: two current versions of a
	// month's report, an item whose version is not its number of steps).
	Lost            []Write  `json:"lost"`
	Duplicated      []Write  `json:"duplicated"`
	StoredRefused   []Write  `json:"stored_refused"`
	Unclear         []Write  `json:"unclear"`
	InvalidAccepted []Write  `json:"invalid_accepted"`
	PhotosWrong     []Write  `json:"photos_wrong"`
	Inconsistent    []string `json:"inconsistent"`
	// From the run: answers no request should get.
	Server5xx  int `json:"server_5xx"`
	Unanswered int `json:"unanswered"`
	Unexpected int `json:"unexpected"`
}

// OK reports whether the run passes: no 5xx, no request without an answer, no page with
// an unexpected answer, and every write accounted for.
func (c *CheckResult) OK() bool { return len(c.Problems()) == 0 }

// Problems lists what failed, one line each.
func (c *CheckResult) Problems() []string {
	var out []string
	add := func(n int, what string) {
		if n > 0 {
			out = append(out, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(c.Server5xx, "answers with a 5xx status")
	add(c.Unanswered, "requests without an answer")
	add(c.Unexpected, "pages with an unexpected answer")
	add(len(c.Lost), "accepted writes not in the database (lost)")
	add(len(c.Duplicated), "writes in the database more than once")
	add(len(c.StoredRefused), "refused writes in the database")
	add(len(c.Unclear), "refused writes without an error message")
	add(len(c.InvalidAccepted), "invalid writes accepted")
	add(len(c.PhotosWrong), "reports stored with other photos than sent")
	add(len(c.Inconsistent), "records whose versions do not add up")
	return out
}

// Check looks every write of res up in db (the servers' database): an accepted write must
// be there exactly once (a report: one version with its marker and its photos; an answer:
// one step with its marker), a refused one not at all and with an error message; and the
// records written to must still add up (one current version per month's report, an item's
// version equal to its steps).
func Check(ctx context.Context, db *store.DB, res *Result) (*CheckResult, error) {
	sys := ding.WithActor(ctx, ding.SystemActor("loadtest"))
	c := &CheckResult{Writes: len(res.Writes), Server5xx: res.Server5xx, Unanswered: res.NoResponse, Unexpected: res.Unexpected}
	type reportKey struct {
		project int64
		period  string
	}
	reports := map[reportKey][]*ding.ProgressReport{}
	items := map[int64][]*store.ItemEvent{}
	for _, w := range res.Writes {
		switch {
		case w.Status == 0:
			c.NoResponse++
		case w.Accepted():
			c.Accepted++
		default:
			c.Refused++
		}
		if w.Invalid {
			c.Invalid++
		}
		found, photos := 0, -1
		switch w.Kind {
		case KindReportSubmit:
			k := reportKey{w.ProjectID, w.Period}
			reps, ok := reports[k]
			if !ok {
				var err error
				if reps, _, err = db.FindReports(sys, store.ReportFilter{ProjectID: w.ProjectID, Period: w.Period}); err != nil {
					return nil, fmt.Errorf("check: reports of project %d %s: %w", w.ProjectID, w.Period, err)
				}
				reports[k] = reps
				if msg := reportVersions(reps); msg != "" {
					c.Inconsistent = append(c.Inconsistent, fmt.Sprintf("project %d %s: %s", w.ProjectID, w.Period, msg))
				}
			}
			for _, r := range reps {
				if strings.Contains(r.ProgressText, w.Marker) {
					found++
					photos = len(r.Photos)
				}
			}
		case KindDemandAnswer:
			evs, ok := items[w.ItemID]
			if !ok {
				var err error
				if evs, err = db.ItemHistory(sys, w.ItemID); err != nil {
					return nil, fmt.Errorf("check: history of item %d: %w", w.ItemID, err)
				}
				items[w.ItemID] = evs
				it, err := db.FindItem(sys, w.ItemID)
				if err != nil {
					return nil, fmt.Errorf("check: item %d: %w", w.ItemID, err)
				}
				if it.Version != len(evs) {
					c.Inconsistent = append(c.Inconsistent, fmt.Sprintf("item %d: version %d after %d steps", w.ItemID, it.Version, len(evs)))
				}
			}
			for _, e := range evs {
				if strings.Contains(e.Comment, w.Marker) {
					found++
				}
			}
		default:
			return nil, fmt.Errorf("check: write of unknown kind %q", w.Kind)
		}
		switch {
		case found > 1:
			c.Duplicated = append(c.Duplicated, w)
		case w.Status == 0:
			// No answer: stored once or not at all, both are fine.
		case w.Accepted() && found == 0:
			c.Lost = append(c.Lost, w)
		case w.Accepted() && w.Invalid:
			c.InvalidAccepted = append(c.InvalidAccepted, w)
		case w.Accepted() && w.Kind == KindReportSubmit && photos != w.Photos:
			c.PhotosWrong = append(c.PhotosWrong, w)
		case !w.Accepted() && found > 0:
			c.StoredRefused = append(c.StoredRefused, w)
		case !w.Accepted() && w.Message == "":
			c.Unclear = append(c.Unclear, w)
		}
	}
	return c, nil
}

// reportVersions checks a month's report versions: numbered 1…n, exactly one current.
func reportVersions(reps []*ding.ProgressReport) string {
	current := 0
	seen := map[int]bool{}
	for _, r := range reps {
		if r.Current {
			current++
		}
		seen[r.Version] = true
	}
	if len(reps) > 0 && current != 1 {
		return fmt.Sprintf("%d current versions of %d", current, len(reps))
	}
	for v := 1; v <= len(reps); v++ {
		if !seen[v] {
			return fmt.Sprintf("versions %d, version %d missing", len(reps), v)
		}
	}
	return ""
}

// WriteTo prints the check: the counts, then each problem with a few examples.
func (c *CheckResult) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "writes: %d (%d accepted, %d refused, %d without answer; %d invalid on purpose)\n",
		c.Writes, c.Accepted, c.Refused, c.NoResponse, c.Invalid)
	examples := func(what string, ws []Write) {
		for i, x := range ws {
			if i == 3 {
				fmt.Fprintf(&b, "    … %d more\n", len(ws)-3)
				break
			}
			fmt.Fprintf(&b, "    %s %s by %s: status %d %q (project %d %s, item %d)\n", what, x.Marker, x.User, x.Status, x.Message, x.ProjectID, x.Period, x.ItemID)
		}
	}
	examples("lost", c.Lost)
	examples("duplicated", c.Duplicated)
	examples("stored though refused", c.StoredRefused)
	examples("refused without message", c.Unclear)
	examples("invalid but accepted", c.InvalidAccepted)
	examples("photos wrong", c.PhotosWrong)
	for i, s := range c.Inconsistent {
		if i == 3 {
			fmt.Fprintf(&b, "    … %d more\n", len(c.Inconsistent)-3)
			break
		}
		fmt.Fprintf(&b, "    %s\n", s)
	}
	if p := c.Problems(); len(p) > 0 {
		fmt.Fprintf(&b, "FAILED: %s\n", strings.Join(p, "; "))
	} else {
		fmt.Fprintf(&b, "OK: every accepted write stored exactly once, every refusal with a message, no 5xx, no request without an answer\n")
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
