package web

// The escalation ladder editor (督办升级规则, /warnings/ladder): the steps the warning engine
// takes while a project stays warned, and the issuer and number prefixes of the letters.
// Everyone signed in may read it (it explains the letters they receive); the project
// office edits it. The store validates and audits; nothing is saved when any part is wrong.

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) ladderPageRoutes() {
	s.handle("GET /warnings/ladder", s.page(s.ladderPage, true))
	s.handle("POST /warnings/ladder", s.page(s.ladderSave, true))
}

// ladderSpareRows is how many empty rows the editor offers to add steps without JS.
const ladderSpareRows = 3

// ladderRow is a step of the editor as typed: field values are kept as strings so that a
// refused form shows exactly what was entered.
type ladderRow struct {
	Index   int // the suffix of the row's field names: colour_3, periods_3 …
	Colour  string
	Periods string
	Action  string
	Due     string
	Spare   bool // an empty row offered to fill (removed by JS)
	Error   bool // the step the form error is about

	// For the read-only view and options the scheme does not know.
	Badge         badge
	ActionName    string
	UnknownColour bool
	UnknownAction bool
}

func (r ladderRow) blank() bool {
	return r.Colour == "" && r.Periods == "" && r.Action == "" && r.Due == ""
}

// ladderOption is a choice of the colour or action selects.
type ladderOption struct {
	Value  string
	Label  string
	HasDue bool // actions: a deadline applies
}

// letterRow is a letter kind of the letters table.
type letterRow struct {
	Action  ding.LadderAction
	Name    string
	Field   string // prefix_letter_remind …
	Suffix  string // 〔2024〕1号
	Example string // the prefix as saved or typed, with the suffix
}

// ladderData is what ladder.html shows.
type ladderData struct {
	CanEdit   bool
	Rows      []ladderRow
	Colours   []ladderOption // the scheme, mildest first
	Actions   []ladderOption // mildest first
	Letters   []letterRow
	NextIndex int  // the field suffix of a row added by JS
	Defaults  bool // the form shows the default steps, not saved yet
	Issuer    string
}

func (s *Server) ladderPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l, err := s.db.Ladder(ctx)
	if err != nil {
		return err
	}
	letters, err := s.db.LetterSettings(ctx)
	if err != nil {
		return err
	}
	defaults := r.URL.Query().Get("defaults") == "1" && isOffice(reqOf(r).actor)
	if defaults {
		l = slices.Clone(ding.DefaultLadder)
	}
	form := url.Values{"issuer": {letters.Issuer}}
	for _, a := range ding.LadderActions {
		if a.IsLetter() {
			form.Set("prefix_"+string(a), letters.Prefixes[a])
		}
	}
	return s.renderLadder(w, r, http.StatusOK, ladderRowsOf(l), form, nil, defaults)
}

// ladderRowsOf shows a ladder in the editor.
func ladderRowsOf(l ding.Ladder) []ladderRow {
	rows := make([]ladderRow, 0, len(l))
	for _, st := range l {
		row := ladderRow{Colour: string(st.Colour), Periods: strconv.Itoa(st.Periods), Action: string(st.Action)}
		if st.DueDays != 0 {
			row.Due = strconv.Itoa(st.DueDays)
		}
		rows = append(rows, row)
	}
	return rows
}

// renderLadder shows the editor (or, to whoever may not edit, the ladder read-only) with
// rows as given, the letter fields from form, and the problem of a refused form.
func (s *Server) renderLadder(w http.ResponseWriter, r *http.Request, status int, rows []ladderRow, form url.Values, formErr error, defaults bool) error {
	ctx := r.Context()
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return err
	}
	today, err := s.db.WarningToday(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "warnings")
	v.Title = v.T("ladderui.title")
	v.Crumbs = []crumb{{Label: v.T("warnui.title"), URL: "/warnings"}, {Label: v.Title}}
	d := &ladderData{CanEdit: isOffice(reqOf(r).actor), Defaults: defaults, Issuer: form.Get("issuer")}
	for _, l := range sortedColours(cs) {
		d.Colours = append(d.Colours, ladderOption{Value: string(l.Key), Label: colourName(v.Lang, cs, l.Key)})
	}
	for _, a := range ding.LadderActions {
		d.Actions = append(d.Actions, ladderOption{Value: string(a), Label: v.T("ladder.action." + string(a)), HasDue: a.HasDue()})
		if a.IsLetter() {
			lr := letterRow{Action: a, Name: v.T("ladder.action." + string(a)), Field: "prefix_" + string(a), Suffix: "〔" + strconv.Itoa(today.Year) + "〕1号"}
			lr.Example = strings.TrimSpace(form.Get(lr.Field)) + lr.Suffix
			d.Letters = append(d.Letters, lr)
		}
	}
	errStep := 0
	if formErr != nil {
		if e := ding.AsError(formErr); e.Field == "ladder" && e.Key != "ladder.too_many" && len(e.Args) > 0 {
			errStep, _ = e.Args[0].(int)
		}
	}
	for i := range rows {
		row := &rows[i]
		row.Index, row.Error = i, i+1 == errStep
		row.Badge = colourBadge(v.Lang, cs, ding.Colour(row.Colour))
		row.UnknownColour = row.Colour != "" && cs.Rank(ding.Colour(row.Colour)) == 0
		row.UnknownAction = row.Action != "" && !slices.Contains(ding.LadderActions, ding.LadderAction(row.Action))
		if !row.UnknownAction && row.Action != "" {
			row.ActionName = v.T("ladder.action." + row.Action)
		}
	}
	d.Rows = rows
	if d.CanEdit {
		for i := range ladderSpareRows {
			d.Rows = append(d.Rows, ladderRow{Index: len(rows) + i, Spare: true})
		}
	}
	d.NextIndex = len(d.Rows)
	v.Form = form
	if formErr != nil {
		v.withFormError(formErr)
	}
	v.Data = d
	s.renderStatus(w, r, status, "ladder", v)
	return nil
}

// ladderField matches the fields of a step: colour_0, periods_0, action_0, due_0.
var ladderField = regexp.MustCompile(`^(?:colour|periods|action|due)_([0-9]{1,4})$`)

// ladderRowsFromForm reads the rows of a posted editor in the order of their suffixes,
// without the empty ones.
func ladderRowsFromForm(f url.Values) []ladderRow {
	seen := map[int]bool{}
	for k := range f {
		if m := ladderField.FindStringSubmatch(k); m != nil {
			n, _ := strconv.Atoi(m[1])
			seen[n] = true
		}
	}
	idx := slices.Collect(maps.Keys(seen))
	sort.Ints(idx)
	var rows []ladderRow
	for _, n := range idx {
		get := func(name string) string { return strings.TrimSpace(f.Get(name + "_" + strconv.Itoa(n))) }
		row := ladderRow{Colour: get("colour"), Periods: get("periods"), Action: get("action"), Due: get("due")}
		if !row.blank() {
			rows = append(rows, row)
		}
	}
	return rows
}

// ladderFromRows reads the steps: a colour and an action must be chosen, periods and due
// days must be whole numbers (due days may be empty); the rest is the store's to judge.
// Errors name the step, counted as the rows are.
func ladderFromRows(rows []ladderRow) (ding.Ladder, error) {
	l := ding.Ladder{}
	for i, row := range rows {
		n := i + 1
		st := ding.LadderStep{Colour: ding.Colour(row.Colour), Action: ding.LadderAction(row.Action)}
		var err error
		switch {
		case row.Colour == "":
			return nil, ding.FieldError("ladder", "ladderui.colour_required", n)
		case row.Action == "":
			return nil, ding.FieldError("ladder", "ladderui.action_required", n)
		}
		if st.Periods, err = ladderInt(row.Periods, n); err != nil {
			return nil, err
		}
		if st.DueDays, err = ladderInt(row.Due, n); err != nil {
			return nil, err
		}
		l = append(l, st)
	}
	return l, nil
}

// ladderInt reads a whole number of step n ("" is 0); full-width digits are fine.
func ladderInt(s string, n int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	norm := strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s)
	v, err := strconv.Atoi(norm)
	if err != nil {
		return 0, ding.FieldError("ladder", "ladder.not_number", n, s)
	}
	return v, nil
}

// lettersFromForm reads the issuer and the prefixes of a posted editor.
func lettersFromForm(f url.Values) ding.LetterSettings {
	ls := ding.LetterSettings{Issuer: f.Get("issuer"), Prefixes: map[ding.LadderAction]string{}}
	for _, a := range ding.LadderActions {
		if a.IsLetter() {
			ls.Prefixes[a] = f.Get("prefix_" + string(a))
		}
	}
	return ls
}

// ladderSave answers POST /warnings/ladder: the steps and the letter settings together.
func (s *Server) ladderSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireOffice(r); err != nil {
		return err
	}
	rows := ladderRowsFromForm(r.PostForm)
	l, err := ladderFromRows(rows)
	var changed bool
	if err == nil {
		letters := lettersFromForm(r.PostForm)
		changed, err = s.saveLadder(r.Context(), l, &letters)
	}
	if err != nil {
		if ding.ErrorCode(err) != ding.EINVALID {
			return err
		}
		form := url.Values{}
		for k, vals := range r.PostForm {
			if !ladderField.MatchString(k) {
				form[k] = vals
			}
		}
		return s.renderLadder(w, r, statusOf(ding.EINVALID), rows, form, err, false)
	}
	if !changed {
		return redirect(w, r, "/warnings/ladder", "ladderui_unchanged")
	}
	return redirect(w, r, "/warnings/ladder", "ladderui_saved")
}

// saveLadder saves the ladder and the letter settings (either nil: left as is) after
// checking both, so that a problem in one saves neither. A part equal to what is saved is
// not written again (no empty audit entry). It reports whether anything changed.
func (s *Server) saveLadder(ctx context.Context, l ding.Ladder, letters *ding.LetterSettings) (bool, error) {
	if err := canEditSettings(ctx); err != nil {
		return false, err
	}
	cs, err := s.db.Colours(ctx)
	if err != nil {
		return false, err
	}
	if l != nil {
		if err := l.Validate(cs); err != nil {
			return false, err
		}
	}
	var next ding.LetterSettings
	if letters != nil {
		next = ding.LetterSettings{Issuer: letters.Issuer, Prefixes: maps.Clone(letters.Prefixes)}
		if next.Prefixes == nil {
			next.Prefixes = map[ding.LadderAction]string{}
		}
		if err := next.Validate(); err != nil {
			return false, err
		}
	}
	changed := false
	if l != nil {
		cur, err := s.db.Ladder(ctx)
		if err != nil {
			return false, err
		}
		if !slices.Equal(cur, l) {
			if err := s.db.SetLadder(ctx, l); err != nil {
				return false, err
			}
			changed = true
		}
	}
	if letters != nil {
		cur, err := s.db.LetterSettings(ctx)
		if err != nil {
			return changed, err
		}
		if cur.Issuer != next.Issuer || !maps.Equal(cur.Prefixes, next.Prefixes) {
			if err := s.db.SetLetterSettings(ctx, next); err != nil {
				return changed, err
			}
			changed = true
		}
	}
	return changed, nil
}

// canEditSettings is the store's rule for settings: the office and administrators.
func canEditSettings(ctx context.Context) error {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if !isOffice(a) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return nil
}

// escalationRow is an action of the board's 督办 panel: its counts in the caller's scope
// and links to the escalations behind each.
type escalationRow struct {
	store.EscalationCounts
	Name                                   string
	HasDue                                 bool // open and overdue apply (letters, interviews)
	OpenURL, OverdueURL, DoneURL, MonthURL string
}

// escalationPanel counts the escalations by action for the warnings board; month is the
// warning date's month ("2024-06"), that of the "this month" column.
func (s *Server) escalationPanel(ctx context.Context, lang, month string) ([]escalationRow, error) {
	counts, err := s.db.CountEscalations(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]escalationRow, 0, len(counts))
	for _, c := range counts {
		link := func(k, v string) string {
			q := url.Values{k: {v}}
			return "/escalations?action=" + url.QueryEscape(string(c.Action)) + "&" + q.Encode()
		}
		rows = append(rows, escalationRow{EscalationCounts: c, Name: i18n.T(lang, "ladder.action."+string(c.Action)), HasDue: c.Action.HasDue(),
			OpenURL: link("status", ding.EscalationOpen), OverdueURL: link("overdue", "1"), DoneURL: link("status", ding.EscalationDone),
			MonthURL: link("period", month)})
	}
	return rows, nil
}

// kindHint says what the value of a rule kind is (for invest_lag, of one measure), shown
// by the thresholds of the rule form; JS shows only the chosen kind's.
type kindHint struct {
	Kind    ding.RuleKind
	Measure string
	Key     string
}

func ruleKindHints() []kindHint {
	var hs []kindHint
	for _, k := range ding.RuleKinds {
		if k == ding.RuleInvestLag {
			for _, m := range []string{"points", "ratio"} {
				hs = append(hs, kindHint{Kind: k, Measure: m, Key: "ladderui.rulehint.invest_lag_" + m})
			}
			continue
		}
		hs = append(hs, kindHint{Kind: k, Key: "ladderui.rulehint." + string(k)})
	}
	return hs
}
