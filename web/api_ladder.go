package web

// The JSON API of the escalation ladder (督办升级): its steps and the letters' issuer and
// number prefixes (docs/api.md, "Warnings").

import (
	"net/http"
	"strings"

	"ding"
)

func (s *Server) apiLadderRoutes() {
	s.handle("GET /api/v1/warning-ladder", s.api(s.apiGetLadder))
	s.handle("PUT /api/v1/warning-ladder", s.api(s.apiSetLadder))
}

// apiLadder is the answer of GET and PUT /warning-ladder.
type apiLadder struct {
	Steps   ding.Ladder         `json:"steps"`
	Letters ding.LetterSettings `json:"letters"`
}

// apiLadderInput is the body of PUT /warning-ladder: a part left out (or null) stays as
// it is; "steps": [] removes every step.
type apiLadderInput struct {
	Steps   *ding.Ladder         `json:"steps"`
	Letters *ding.LetterSettings `json:"letters"`
}

func (s *Server) apiGetLadder(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	l, err := s.db.Ladder(ctx)
	if err != nil {
		return nil, err
	}
	letters, err := s.db.LetterSettings(ctx)
	if err != nil {
		return nil, err
	}
	if l == nil {
		l = ding.Ladder{}
	}
	if letters.Prefixes == nil {
		letters.Prefixes = map[ding.LadderAction]string{}
	}
	return apiLadder{Steps: l, Letters: letters}, nil
}

func (s *Server) apiSetLadder(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := requireOffice(r); err != nil {
		return nil, err
	}
	var in apiLadderInput
	if err := s.decodeJSON(r, &in); err != nil {
		return nil, err
	}
	var l ding.Ladder
	if in.Steps != nil {
		l = *in.Steps
		if l == nil {
			l = ding.Ladder{}
		}
	}
	if in.Letters != nil {
		for a := range in.Letters.Prefixes {
			if !a.IsLetter() {
				name := "letters.prefixes." + string(a)
				return nil, ding.FieldError(name, "api.unknown_field", name)
			}
		}
	}
	if _, err := s.saveLadder(r.Context(), l, in.Letters); err != nil {
		return nil, apiLadderField(err)
	}
	return s.apiGetLadder(w, r)
}

// apiLadderField names the API's field in an error of the store: steps for the ladder,
// letters.issuer and letters.prefixes.<action> for the letters.
func apiLadderField(err error) error {
	e := ding.AsError(err)
	if e.Code != ding.EINVALID || e.Field == "" {
		return err
	}
	c := *e
	switch {
	case e.Field == "ladder":
		c.Field = "steps"
	case e.Field == "issuer":
		c.Field = "letters.issuer"
	case strings.HasPrefix(e.Field, "prefix_"):
		c.Field = "letters.prefixes." + strings.TrimPrefix(e.Field, "prefix_")
	}
	return &c
}
