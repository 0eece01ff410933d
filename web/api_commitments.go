package web

// The JSON API of the 对赌 commitments (docs/api.md, "Commitments"): the clauses in the
// caller's scope and of one project, recording a clause, confirming one ding cannot check
// and waiving one.

import (
	"net/http"
	"slices"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

func (s *Server) apiCommitmentRoutes() {
	s.handle("GET /api/v1/commitments", s.api(s.apiListCommitments))
	s.handle("GET /api/v1/projects/{id}/commitments", s.api(s.apiProjectCommitments))
	s.handle("POST /api/v1/projects/{id}/commitments", s.api(s.apiCreateCommitment))
	s.handle("POST /api/v1/commitments/{id}/confirmation", s.api(s.apiConfirmCommitment))
	s.handle("POST /api/v1/commitments/{id}/waiver", s.api(s.apiWaiveCommitment))
}

// apiCommitment is a clause with its side, kind and status named in the caller's language
// and whether ding checks it from the project's data.
type apiCommitment struct {
	*ding.Commitment
	SideName   string `json:"side_name"`
	KindName   string `json:"kind_name"`
	StatusName string `json:"status_name"`
	Checked    bool   `json:"checked"`
}

func apiCommitmentOf(lang string, c *ding.Commitment) apiCommitment {
	return apiCommitment{Commitment: c, SideName: i18n.T(lang, "commit.side."+string(c.Side)), KindName: i18n.T(lang, "commit.kind."+string(c.Kind)),
		StatusName: i18n.T(lang, "commit.status."+c.Status), Checked: c.Kind.Checked()}
}

func (s *Server) apiCommitments(r *http.Request, cs []*ding.Commitment) []apiCommitment {
	lang := s.apiLang(r)
	out := make([]apiCommitment, 0, len(cs))
	for _, c := range cs {
		out = append(out, apiCommitmentOf(lang, c))
	}
	return out
}

// apiCommitmentFilter reads the list's filters strictly: a malformed one is 422 naming it.
func apiCommitmentFilter(r *http.Request) (store.CommitmentFilter, error) {
	q := r.URL.Query()
	var f store.CommitmentFilter
	var err error
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		if !slices.Contains(commitStatuses, st) {
			return f, ding.FieldError("status", "err.bad_param", "status")
		}
		f.Status = st
	}
	if sd := strings.TrimSpace(q.Get("side")); sd != "" {
		if !slices.Contains(commitSides, ding.CommitmentSide(sd)) {
			return f, ding.FieldError("side", "err.bad_param", "side")
		}
		f.Side = ding.CommitmentSide(sd)
	}
	if f.UnitID, _, err = apiQueryID(r, "unit_id", false); err != nil {
		return f, err
	}
	if f.ProjectID, _, err = apiQueryID(r, "project_id", false); err != nil {
		return f, err
	}
	return f, nil
}

// apiListCommitments answers the clauses in the caller's scope, by due date.
func (s *Server) apiListCommitments(w http.ResponseWriter, r *http.Request) (any, error) {
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiCommitmentFilter(r)
	if err != nil {
		return nil, err
	}
	f.Limit, f.Offset = p.Limit, p.Offset
	cs, total, err := s.db.FindCommitments(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(s.apiCommitments(r, cs), total, p), nil
}

// apiProjectCommitments answers a project's clauses (404 for a project out of scope).
func (s *Server) apiProjectCommitments(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := apiPageOf(r)
	if err != nil {
		return nil, err
	}
	f, err := apiCommitmentFilter(r)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.FindProjectByID(r.Context(), id); err != nil {
		return nil, err
	}
	f.ProjectID, f.Limit, f.Offset = id, p.Limit, p.Offset
	cs, total, err := s.db.FindCommitments(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return newAPIList(s.apiCommitments(r, cs), total, p), nil
}

// apiCommitmentInput is the body of POST /projects/{id}/commitments.
type apiCommitmentInput struct {
	Side    ding.CommitmentSide `json:"side"`
	Kind    ding.CommitmentKind `json:"kind"`
	Clause  string              `json:"clause"`
	Amount  int64               `json:"amount"` // yuan
	Due     ding.Date           `json:"due"`
	Penalty string              `json:"penalty"`
	UnitID  int64               `json:"unit_id"` // 0: the lead unit
}

// apiCommitmentError names the body field a store error concerns.
func apiCommitmentError(err error, reasonField bool) error {
	if err == nil {
		return nil
	}
	e := ding.AsError(err)
	switch {
	case e.Field == "units":
		c := *e
		c.Field = "unit_id"
		return &c
	case reasonField && e.Field == "note":
		c := *e
		c.Field = "reason"
		return &c
	}
	return err
}

func (s *Server) apiCreateCommitment(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiCommitmentInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	c := &ding.Commitment{ProjectID: id, Side: in.Side, Kind: in.Kind, Clause: in.Clause, Amount: in.Amount, Due: in.Due, Penalty: in.Penalty,
		UnitID: in.UnitID}
	if in.Amount < 0 {
		return nil, ding.FieldError("amount", "project.money_negative")
	}
	if err := s.db.CreateCommitment(r.Context(), c); err != nil {
		return nil, apiCommitmentError(err, false)
	}
	return apiCreated(apiCommitmentOf(s.apiLang(r), c)), nil
}

// apiConfirmationInput is the body of POST /commitments/{id}/confirmation.
type apiConfirmationInput struct {
	Kept    *bool  `json:"kept"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

func (s *Server) apiConfirmCommitment(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiConfirmationInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Kept == nil {
		return nil, ding.FieldError("kept", "commitui.kept_required")
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "commitui.version_needed")
	}
	c, err := s.db.ConfirmCommitment(r.Context(), id, *in.Kept, in.Note, in.Version)
	if err != nil {
		return nil, apiCommitmentError(err, false)
	}
	return apiCommitmentOf(s.apiLang(r), c), nil
}

// apiWaiverInput is the body of POST /commitments/{id}/waiver.
type apiWaiverInput struct {
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

func (s *Server) apiWaiveCommitment(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in apiWaiverInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if in.Version <= 0 {
		return nil, ding.FieldError("version", "commitui.version_needed")
	}
	c, err := s.db.WaiveCommitment(r.Context(), id, in.Reason, in.Version)
	if err != nil {
		return nil, apiCommitmentError(err, true)
	}
	return apiCommitmentOf(s.apiLang(r), c), nil
}
