package web

// The JSON API of the 擂台赛 (docs/api.md, "擂台赛 (planning contest)"): the rounds the
// caller can see, defining and changing a round, moving it open → judging → closed,
// submitting entries, the ranking, the judges' marks, scoring and moving a winner into
// the registry.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) apiContestRoutes() {
	s.handle("GET /api/v1/contests", s.api(s.apiListContests))
	s.handle("POST /api/v1/contests", s.api(s.apiCreateContest))
	s.handle("GET /api/v1/contests/{id}", s.api(s.apiGetContest))
	s.handle("PUT /api/v1/contests/{id}", s.api(s.apiUpdateContest))
	s.handle("POST /api/v1/contests/{id}/status", s.api(s.apiContestStatus))
	s.handle("GET /api/v1/contests/{id}/entries", s.api(s.apiListEntries))
	s.handle("POST /api/v1/contests/{id}/entries", s.api(s.apiSubmitEntry))
	s.handle("GET /api/v1/contests/{id}/entries/{eid}/scores", s.api(s.apiEntryScores))
	s.handle("PUT /api/v1/contests/{id}/entries/{eid}/score", s.api(s.apiScoreEntry))
	s.handle("POST /api/v1/contests/{id}/entries/{eid}/promote", s.api(s.apiPromoteEntry))
}

// apiContest is a round with its status named in the caller's language and what the
// caller may do with it.
type apiContest struct {
	*ding.Contest
	StatusName string `json:"status_name"`
	IsJudge    bool   `json:"is_judge"`   // the caller judges it
	CanManage  bool   `json:"can_manage"` // the caller is the organizer's office
}

func (s *Server) apiContestOf(r *http.Request, c *ding.Contest) (apiContest, error) {
	a := reqOf(r).actor
	ok, err := s.canRunContest(r.Context(), a, c)
	return apiContest{Contest: c, StatusName: i18n.T(s.apiLang(r), "contest.status."+c.Status), IsJudge: contestIsJudge(c, a), CanManage: ok}, err
}

// apiContestError names the body field of a store error in the API's words.
func apiContestError(err error) error {
	if err == nil {
		return nil
	}
	if e := ding.AsError(err); e.Key == "scheme.weights_sum" {
		return contestFormError(err)
	}
	return err
}

// apiListContests answers the rounds the caller may see, latest deadline first; filter
// status (open, judging, closed).
func (s *Server) apiListContests(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	var f store.ContestFilter
	if st := strings.TrimSpace(r.URL.Query().Get("status")); st != "" {
		if !slices.Contains(contestStatuses, st) {
			return nil, ding.FieldError("status", "err.bad_param", "status")
		}
		f.Status = st
	}
	cs, err := s.db.FindContests(r.Context(), f)
	if err != nil {
		return nil, err
	}
	page := apiSlice(cs, p)
	out := make([]apiContest, 0, len(page))
	for _, c := range page {
		ac, err := s.apiContestOf(r, c)
		if err != nil {
			return nil, err
		}
		out = append(out, ac)
	}
	return newAPIList(out, len(cs), p), nil
}

func (s *Server) apiGetContest(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := s.db.FindContest(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return s.apiContestOf(r, c)
}

// apiContestInput is the body of POST /contests.
type apiContestInput struct {
	Name        string           `json:"name"`
	OrganizerID int64            `json:"organizer_id"`
	Deadline    ding.Date        `json:"deadline"`
	Winners     int              `json:"winners"`
	Criteria    []ding.Criterion `json:"criteria"` // weights in centi-points, adding up to 10000
	JudgeIDs    []int64          `json:"judge_ids"`
	Note        string           `json:"note"`
}

func (in apiContestInput) contest() *ding.Contest {
	c := &ding.Contest{Name: in.Name, OrganizerID: in.OrganizerID, Deadline: in.Deadline, Winners: in.Winners, Criteria: in.Criteria,
		JudgeIDs: in.JudgeIDs, Note: in.Note}
	if c.Criteria == nil {
		c.Criteria = []ding.Criterion{}
	}
	if c.JudgeIDs == nil {
		c.JudgeIDs = []int64{}
	}
	return c
}

// apiContestUpdate is the body of PUT /contests/{id}: the whole definition and the
// version it was read at.
type apiContestUpdate struct {
	apiContestInput
	Version int `json:"version"`
}

func (s *Server) apiCreateContest(w http.ResponseWriter, r *http.Request) (any, error) {
	var in apiContestInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	c := in.contest()
	if err := s.db.CreateContest(r.Context(), c); err != nil {
		return nil, apiContestError(err)
	}
	ac, err := s.apiContestOf(r, c)
	return apiCreated(ac), err
}

func (s *Server) apiUpdateContest(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiContestUpdate
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "contestui.version_needed")
	}
	c := in.contest()
	c.ID, c.Version = id, in.Version
	if err := s.db.UpdateContest(r.Context(), c); err != nil {
		return nil, apiContestError(err)
	}
	// Read it back: the organizer's name and the judges' names as stored.
	if c, err = s.db.FindContest(r.Context(), id); err != nil {
		return nil, err
	}
	return s.apiContestOf(r, c)
}

// apiContestStatusInput is the body of POST /contests/{id}/status.
type apiContestStatusInput struct {
	Status  string `json:"status"`
	Version int    `json:"version"`
}

func (s *Server) apiContestStatus(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiContestStatusInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if !slices.Contains(contestStatuses, in.Status) {
		return nil, ding.FieldError("status", "contestui.status_invalid")
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "contestui.version_needed")
	}
	c, err := s.db.SetContestStatus(r.Context(), id, in.Status, in.Version)
	if err != nil {
		return nil, err
	}
	return s.apiContestOf(r, c)
}

// apiEntry is an entry with its industry named in the caller's language.
type apiEntry struct {
	*ding.ContestEntry
	IndustryName string `json:"industry_name"`
}

// apiListEntries answers a round's entries, ranked (ties share a place, unscored last).
func (s *Server) apiListEntries(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	es, err := s.db.FindEntries(r.Context(), id)
	if err != nil {
		return nil, err
	}
	lang := s.apiLang(r)
	page := apiSlice(es, p)
	out := make([]apiEntry, 0, len(page))
	for _, e := range page {
		out = append(out, apiEntryOf(lang, e))
	}
	return newAPIList(out, len(es), p), nil
}

func apiEntryOf(lang string, e *ding.ContestEntry) apiEntry {
	ae := apiEntry{ContestEntry: e}
	if e.Industry != "" {
		ae.IndustryName = i18n.T(lang, "industry."+e.Industry)
	}
	return ae
}

// apiEntryInput is the body of POST /contests/{id}/entries.
type apiEntryInput struct {
	UnitID     int64  `json:"unit_id"`
	Name       string `json:"name"`
	Investment int64  `json:"investment"` // yuan
	Industry   string `json:"industry"`
	Chain      string `json:"chain"`
	Content    string `json:"content"`
	Maturity   string `json:"maturity"`
}

func (s *Server) apiSubmitEntry(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiEntryInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	e := &ding.ContestEntry{ContestID: id, UnitID: in.UnitID, Name: in.Name, Investment: in.Investment, Industry: in.Industry, Chain: in.Chain,
		Content: in.Content, Maturity: in.Maturity}
	if err := s.db.SubmitEntry(r.Context(), e); err != nil {
		return nil, err
	}
	return apiCreated(apiEntryOf(s.apiLang(r), e)), nil
}

// apiScore is a judge's marks for an entry with their total.
type apiScore struct {
	*ding.JudgeScore
	Total int64 `json:"total"` // centi-points
}

// apiEntryScores answers each judge's marks for an entry: the office and the round's
// judges only (403 for others).
func (s *Server) apiEntryScores(w http.ResponseWriter, r *http.Request) (any, error) {
	c, e, err := s.contestEntryOf(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	if !isOffice(reqOf(r).actor) && !contestIsJudge(c, reqOf(r).actor) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "contestui.marks_hidden")
	}
	scores, err := s.db.EntryScores(r.Context(), c.ID, e.ID)
	if err != nil {
		return nil, err
	}
	page := apiSlice(scores, p)
	out := make([]apiScore, 0, len(page))
	for _, sc := range page {
		out = append(out, apiScore{JudgeScore: sc, Total: sc.Total()})
	}
	return newAPIList(out, len(scores), p), nil
}

// apiScoreInput is the body of PUT /contests/{id}/entries/{eid}/score.
type apiScoreInput struct {
	Marks []int64 `json:"marks"` // centi-points, in the criteria's order
	Note  string  `json:"note"`
}

func (s *Server) apiScoreEntry(w http.ResponseWriter, r *http.Request) (any, error) {
	c, e, err := s.contestEntryOf(r)
	if err != nil {
		return nil, err
	}
	var in apiScoreInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	js := &ding.JudgeScore{EntryID: e.ID, Marks: in.Marks, Note: in.Note}
	if js.Marks == nil {
		js.Marks = []int64{}
	}
	if err := s.db.ScoreEntry(r.Context(), c.ID, js); err != nil {
		return nil, err
	}
	js.JudgeName = reqOf(r).user.DisplayName
	return apiScore{JudgeScore: js, Total: js.Total()}, nil
}

// apiPromoteInput is the body of POST /contests/{id}/entries/{eid}/promote.
type apiPromoteInput struct {
	Code string `json:"code"` // 项目代码; empty: a provisional one
}

// apiPromoted is the answer of a promotion: the entry and the project it became.
type apiPromoted struct {
	EntryID int64         `json:"entry_id"`
	Project *ding.Project `json:"project"`
	URL     string        `json:"url"` // the project's page
}

func (s *Server) apiPromoteEntry(w http.ResponseWriter, r *http.Request) (any, error) {
	c, e, err := s.contestEntryOf(r)
	if err != nil {
		return nil, err
	}
	var in apiPromoteInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	p, err := s.db.PromoteEntry(r.Context(), c.ID, e.ID, in.Code)
	if err != nil {
		return nil, err
	}
	return apiCreated(apiPromoted{EntryID: e.ID, Project: p, URL: "/projects/" + strconv.FormatInt(p.ID, 10)}), nil
}
